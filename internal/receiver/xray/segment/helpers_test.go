package segment

import (
	"os"
	"path/filepath"
	"testing"
)

// sdkDir holds segment documents captured from aws-xray-sdk-go by the X-Ray
// receiver's TestCaptureSDK, one per file.
const sdkDir = "../testdata/sdk"

// readDoc returns a captured document from sdkDir.
func readDoc(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sdkDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// datagram prefixes the daemon header.
func datagram(doc []byte) []byte {
	return append([]byte("{\"format\": \"json\", \"version\": 1}\n"), doc...)
}
