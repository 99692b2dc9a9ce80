package segment

import (
	"os"
	"testing"

	"lookout/internal/model"
)

// TestMapHandmade covers what the Go SDK does not send: the EC2 and
// Beanstalk blocks, origin, an exception id as cause, precursor ids, a
// MySQL url without scheme, a throttled AWS call, a remote exception with
// left-out frames, odd annotation values.
func TestMapHandmade(t *testing.T) {
	raw, err := os.ReadFile("testdata/handmade/ec2_full.json")
	if err != nil {
		t.Fatal(err)
	}
	d, e := Parse(raw)
	if e != nil {
		t.Fatal(e)
	}
	spans := Map("p", d, string(raw))
	if len(spans) != 4 {
		t.Fatalf("%d spans: %v", len(spans), names(spans))
	}
	checkAttrs(t, "resource", spans[0].Resource.Attributes, model.Attributes{
		str("service.name", "orders"), str("service.version", "2.0.1"), str("aws.xray.service.compiler", "gc"),
		str("cloud.provider", "aws"), str("cloud.platform", "aws_ec2"), str("cloud.account.id", "123456789012"),
		str("host.id", "i-0b5a4678fc325bg98"), str("host.type", "m5.large"), str("host.image.id", "ami-0abc"),
		str("cloud.availability_zone", "us-east-2c"), str("service.namespace", "orders-prod"),
		str("service.instance.id", "32"), str("telemetry.sdk.name", "X-Ray for Java"),
		str("telemetry.sdk.language", "java"), str("telemetry.sdk.version", "2.4.0"),
		boolean("aws.xray.auto_instrumentation", false)})
	if v, _ := spans[0].Resource.Attributes.Get("service.version"); v.Str != "2.0.1" {
		t.Errorf("service.version %q: the service block wins over elastic_beanstalk", v.Str)
	}
	checkAttrs(t, "orders", spans[0].Attributes, model.Attributes{
		str("aws.xray.origin", "AWS::EC2::Instance"), str("enduser.id", "u-42"),
		str("aws.xray.resource_arn", "arn:aws:elasticbeanstalk:us-east-2:123456789012:environment/orders/prod"),
		boolean("aws.xray.x_forwarded_for", true), num("http.response.body.size", 87),
		num("http.response.status_code", 201), str("aws.future_block", `{"x":1}`),
		str("aws.xray.annotations.order_id", "o-9"), dbl("aws.xray.annotations.amount", 199.99),
		num("aws.xray.annotations.count", 2), boolean("aws.xray.annotations.gift", false),
		dbl("aws.xray.annotations.big", 12345678901234567890), str("aws.xray.metadata.AWS.Reserved", `{"k":"v"}`)})
	if spans[0].ParentSpanID.String() != "0f0e0d0c0b0a0908" || spans[0].StartUnixNano != 1480615200010000000 {
		t.Errorf("parent %s start %d", spans[0].ParentSpanID, spans[0].StartUnixNano)
	}
	for _, k := range []string{"aws.xray.annotations.nested", "aws.account_id", "aws.ec2"} {
		if _, ok := spans[0].Attributes.Get(k); ok {
			t.Errorf("unexpected %s", k)
		}
	}
	db := spans[1]
	checkAttrs(t, "db", db.Attributes, model.Attributes{str("db.system.name", "mysql"), str("db.namespace", "orders"),
		str("db.query.text", "INSERT INTO orders VALUES (?)"), str("aws.xray.sql.preparation", "statement")})
	if v, _ := db.Attributes.Get("aws.xray.precursor_ids"); v.AsString() != `["3333333333333333"]` {
		t.Errorf("precursor ids %s", v.AsString())
	}
	sqs := spans[2]
	if sqs.Kind != model.SpanKindClient || sqs.StatusCode != model.StatusError || sqs.StatusMessage != "HTTP 429" {
		t.Errorf("sqs kind %d status %d %q", sqs.Kind, sqs.StatusCode, sqs.StatusMessage)
	}
	checkAttrs(t, "sqs", sqs.Attributes, model.Attributes{str("rpc.service", "SQS"), str("rpc.method", "SendMessage"),
		str("cloud.region", "us-east-2"), num("aws.retries", 1), boolean("aws.xray.traced", true),
		str("aws.queue_url", "https://sqs.us-east-2.amazonaws.com/123456789012/orders"),
		str("aws.xray.cause.exception_id", "4f2a9e0c1b3d5e7f")})
	if v, _ := sqs.Attributes.Get("aws.resource_names"); v.Kind != model.KindArray || v.AsString() != `["orders"]` {
		t.Errorf("resource_names %v", v.AsString())
	}
	render := spans[3]
	if render.Kind != model.SpanKindInternal || render.StatusCode != model.StatusError || len(render.Events) != 1 {
		t.Fatalf("render kind %d status %d events %d", render.Kind, render.StatusCode, len(render.Events))
	}
	checkAttrs(t, "render", render.Attributes, model.Attributes{str("aws.xray.cause.working_directory", "/srv")})
	checkAttrs(t, "exception", render.Events[0].Attributes, model.Attributes{
		str("exception.type", "KeyError"), str("exception.message", "'total'"),
		str("exception.stacktrace", "KeyError: 'total'\n\tat render(/srv/app.py:12)\n\tat helper(/srv/lib.py)\n\t... 3 more"),
		str("aws.xray.exception.id", "5555555555555555"), boolean("aws.xray.exception.remote", true),
		num("aws.xray.exception.truncated", 3), num("aws.xray.exception.skipped", 1),
		str("aws.xray.exception.cause", "4f2a9e0c1b3d5e7f")})
}
