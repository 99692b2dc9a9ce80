// Package restjson holds what the X-Ray receivers share of AWS's restJson1
// protocol: the error reply (status, X-Amzn-ErrorType and {"message"}), the
// request id every reply carries (awsjson's replies too), and JSON decode
// errors told in the words of the document rather than of Go types.
package restjson

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"reflect"
)

// WriteError writes the restJson1 error shape: the code in X-Amzn-ErrorType,
// the text in {"message": ...}.
func WriteError(w http.ResponseWriter, status int, code, msg string) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("X-Amzn-ErrorType", code)
	h.Set("x-amzn-RequestId", RequestID())
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": msg})
}

// Write answers v as JSON with a request id.
func Write(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("x-amzn-RequestId", RequestID())
	_ = json.NewEncoder(w).Encode(v)
}

// RequestID makes an id in the UUID form AWS uses.
func RequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// DescribeError names the member a JSON decode error is about and the JSON
// type it wanted ("field \"fault\": got string, want bool"); other errors
// are told as they are.
func DescribeError(err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		want := te.Type.Kind().String()
		switch te.Type.Kind() {
		case reflect.Struct, reflect.Map:
			want = "object"
		case reflect.Slice:
			want = "array"
		case reflect.Int, reflect.Int64, reflect.Float64:
			want = "number"
		}
		if te.Type == reflect.TypeFor[json.Number]() {
			want = "number"
		}
		if te.Field == "" {
			return fmt.Sprintf("got %s, want %s", te.Value, want)
		}
		return fmt.Sprintf("field %q: got %s, want %s", te.Field, te.Value, want)
	}
	return err.Error()
}
