package xray

import (
	"fmt"
	"net/http"

	"lookout/internal/awsmodel"
	"lookout/internal/receiver/restjson"
)

// operation names the X-Ray API operation of a REST path (every one a
// POST), as AWS's API model declares them.
func operation(path string) (string, bool) {
	for _, op := range awsmodel.XRay.Operations {
		if op.Path == path {
			return op.Name, true
		}
	}
	return "", false
}

// IsOperationPath reports whether p has the shape of an X-Ray API path: one
// segment that starts with a capital letter ("/TraceSummaries",
// "/CreateGroup"). Every X-Ray operation is a POST to such a path, and no
// other protocol Lookout serves uses one, so a server sharing a port with
// other APIs can tell X-Ray calls, served or not, by their path.
func IsOperationPath(p string) bool {
	if len(p) < 2 || p[0] != '/' || p[1] < 'A' || p[1] > 'Z' {
		return false
	}
	for i := 2; i < len(p); i++ {
		if p[i] == '/' {
			return false
		}
	}
	return true
}

// Unsupported answers an X-Ray API request that no served operation takes:
// 404 with the restJson1 error shape, UnknownOperationException in
// X-Amzn-ErrorType, and a message naming the operation (or the method and
// path, when they name none) and saying it is not supported. The SDKs raise
// it as an UnknownOperationException.
func Unsupported(w http.ResponseWriter, r *http.Request) {
	var msg string
	name, known := operation(r.URL.Path)
	switch {
	case known && r.Method == http.MethodPost:
		msg = fmt.Sprintf("X-Ray operation %s (POST %s) is not supported by this server", name, r.URL.Path)
	case known:
		msg = fmt.Sprintf("X-Ray operation %s is a POST to %s, not a %s", name, r.URL.Path, r.Method)
	default:
		msg = fmt.Sprintf("%s %s is not an X-Ray API operation this server supports", r.Method, r.URL.Path)
	}
	restjson.WriteError(w, http.StatusNotFound, "UnknownOperationException", msg)
}
