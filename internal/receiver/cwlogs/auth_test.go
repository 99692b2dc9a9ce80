package cwlogs

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cwl "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/smithy-go"
)

func TestSigV4Verification(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Keys = map[string]string{"AKIDGOOD": "s3cret"} })
	ctx := context.Background()
	client := func(id, secret string) *cwl.Client {
		return cwl.New(cwl.Options{Region: "eu-west-1", BaseEndpoint: aws.String(e.srv.URL),
			Credentials: credentials.NewStaticCredentialsProvider(id, secret, "")})
	}
	if _, err := client("AKIDGOOD", "s3cret").CreateLogGroup(ctx, &cwl.CreateLogGroupInput{LogGroupName: aws.String("signed")}); err != nil {
		t.Fatalf("valid signature refused: %v", err)
	}
	for _, c := range []struct{ id, secret, code string }{
		{"AKIDGOOD", "wrong", "InvalidSignatureException"},
		{"AKIDOTHER", "s3cret", "UnrecognizedClientException"},
	} {
		_, err := client(c.id, c.secret).DescribeLogGroups(ctx, &cwl.DescribeLogGroupsInput{})
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != c.code {
			t.Errorf("%s/%s: %v, want %s", c.id, c.secret, err, c.code)
		}
	}
	// The UI listing warns about groups without retention.
	w := httptest.NewRecorder()
	e.h.GroupsHandler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/api/cwlogs/groups", nil))
	if !strings.Contains(w.Body.String(), `"name":"signed"`) || !strings.Contains(w.Body.String(), "no retention policy") {
		t.Fatalf("groups listing: %s", w.Body)
	}
}
