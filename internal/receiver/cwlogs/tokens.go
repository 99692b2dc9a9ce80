package cwlogs

import (
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"lookout/internal/store"
)

// Pagination tokens. Each kind has a maker and a reader; a reader refuses
// any token its maker could not have made with errBadToken.

// pageToken and readPageToken make opaque tokens of names and digits
// (DescribeLogGroups, and the base of the others below).
func pageToken(s string) string { return base64.RawURLEncoding.EncodeToString([]byte(s)) }

func readPageToken(tok string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(tok)
	// Tokens this server makes hold UTF-8 names and digits; other bytes
	// would fail the store's parameter binding.
	if err != nil || len(b) == 0 || !utf8.Valid(b) {
		return "", errBadToken
	}
	return string(b), nil
}

// streamsToken resumes DescribeLogStreams after a stream: its last event
// time and name.
func streamsToken(st store.LogStream) string {
	return pageToken(strconv.FormatInt(st.LastEventMillis, 10) + ":" + st.Name)
}

func readStreamsToken(tok string) (millis int64, name string, err error) {
	s, err := readPageToken(tok)
	if err != nil {
		return 0, "", err
	}
	ms, name, ok := strings.Cut(s, ":")
	n, perr := strconv.ParseInt(ms, 10, 64)
	if !ok || perr != nil {
		return 0, "", errBadToken
	}
	return n, name, nil
}

// streamToken renders a position in a stream the way the service shapes
// GetLogEvents tokens: "f/<56 digits>/s" forward, "b/<56 digits>/s"
// backward; the digits are the event time and the ingestion stamp, 28 each.
func streamToken(dir byte, p store.EventPosition) string {
	return fmt.Sprintf("%c/%028d%028d/s", dir, p.TimeNano, p.ObservedNano)
}

func readStreamToken(tok string) (byte, store.EventPosition, error) {
	if len(tok) != 60 || (tok[0] != 'f' && tok[0] != 'b') || tok[1] != '/' || tok[58:] != "/s" {
		return 0, store.EventPosition{}, errBadToken
	}
	t, err1 := strconv.ParseInt(tok[2:30], 10, 64)
	o, err2 := strconv.ParseInt(tok[30:58], 10, 64)
	if err1 != nil || err2 != nil || t < 0 || o < 0 {
		return 0, store.EventPosition{}, errBadToken
	}
	return tok[0], store.EventPosition{TimeNano: t, ObservedNano: o}, nil
}

// filterToken renders a FilterLogEvents position across a group's streams.
func filterToken(p store.EventPosition) string {
	return pageToken(fmt.Sprintf("%d:%d:%s", p.TimeNano, p.ObservedNano, p.Stream))
}

func readFilterToken(tok string) (*store.EventPosition, error) {
	s, err := readPageToken(tok)
	if err != nil {
		return nil, err
	}
	f := strings.SplitN(s, ":", 3)
	if len(f) != 3 {
		return nil, errBadToken
	}
	t, err1 := strconv.ParseInt(f[0], 10, 64)
	o, err2 := strconv.ParseInt(f[1], 10, 64)
	if err1 != nil || err2 != nil {
		return nil, errBadToken
	}
	return &store.EventPosition{TimeNano: t, ObservedNano: o, Stream: f[2]}, nil
}

// eventID names an event by its position, in the service's digit form.
func eventID(p store.EventPosition) string {
	return fmt.Sprintf("%028d%028d", p.TimeNano, p.ObservedNano)
}
