package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestAdminCommands(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name    string
		args    []string
		wantOut string // substring of stdout
		wantErr string // substring of the error; "" means success
	}{
		{name: "project", args: []string{"project", "create", "--data-dir", dir, "--name", "shop"}, wantOut: `project "shop" created`},
		{name: "project again", args: []string{"project", "create", "--data-dir", dir, "--name", "shop"}, wantErr: "project create"},
		{name: "token", args: []string{"token", "create", "--data-dir", dir, "--project", "shop", "--scopes", "read"}, wantOut: "\n"},
		{name: "token of no project", args: []string{"token", "create", "--data-dir", dir, "--project", "nope"}, wantErr: "token create"},
		{name: "metadata store unreachable", args: []string{"project", "create", "--meta", "postgres://lookout@127.0.0.1:1/lookout", "--name", "x"},
			wantErr: "open metadata store"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			err := run(t.Context(), tc.args, &out, &errOut)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil || !strings.Contains(out.String(), tc.wantOut) {
				t.Fatalf("out %q, err %v; want %q", out.String(), err, tc.wantOut)
			}
		})
	}
}
