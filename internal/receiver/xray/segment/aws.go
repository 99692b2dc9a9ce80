package segment

import (
	"encoding/json"
	"strings"

	"lookout/internal/model"
)

// platforms maps a segment's origin to OTel's cloud.platform.
var platforms = map[string]string{
	"AWS::EC2::Instance":                 "aws_ec2",
	"AWS::ECS::Container":                "aws_ecs",
	"AWS::ECS::Fargate":                  "aws_ecs",
	"AWS::EKS::Container":                "aws_eks",
	"AWS::ElasticBeanstalk::Environment": "aws_elastic_beanstalk",
	"AWS::Lambda::Function":              "aws_lambda",
	"AWS::AppRunner::Service":            "aws_app_runner",
}

// resourceKeys maps the keys of a segment's aws.<object> blocks, which
// describe where the service runs, to resource attributes. Keys not listed
// become aws.<object>.<key>.
var resourceKeys = map[string]map[string]string{
	"ec2": {"instance_id": "host.id", "instance_size": "host.type", "ami_id": "host.image.id",
		"availability_zone": "cloud.availability_zone"},
	"ecs": {"container": "container.name", "container_id": "container.id",
		"container_arn": "aws.ecs.container.arn", "availability_zone": "cloud.availability_zone"},
	"eks": {"pod": "k8s.pod.name", "cluster_name": "k8s.cluster.name", "container_id": "container.id"},
	"elastic_beanstalk": {"environment_name": "service.namespace", "version_label": "service.version",
		"deployment_id": "service.instance.id"},
	"xray": {"sdk": "telemetry.sdk.name", "sdk_version": "telemetry.sdk.version",
		"auto_instrumentation": "aws.xray.auto_instrumentation", "sampling_rule_name": ""},
}

// resourceBlocks lists the keys of resourceKeys in order.
var resourceBlocks = sortedKeys(resourceKeys)

// serviceKeys maps a segment's service block to resource attributes.
var serviceKeys = map[string]string{
	"version": "service.version", "runtime": "process.runtime.name", "runtime_version": "process.runtime.version",
}

// resourceOf describes the service that sent a segment: its name, version,
// SDK and where it runs. Every span of the document shares it.
func resourceOf(d *Document) model.Resource {
	var r attrs = make([]model.KeyValue, 0, 8)
	r.str("service.name", d.Name)
	for _, k := range sortedKeys(d.Service) {
		name, ok := serviceKeys[k]
		if !ok {
			name = "aws.xray.service." + k
		}
		r.unique(name, d.Service[k])
	}
	inCloud := false
	if p := platforms[d.Origin]; p != "" {
		r.str("cloud.platform", p)
		inCloud = true
	}
	if acct := jsonString(d.AWS["account_id"]); acct != "" {
		r.str("cloud.account.id", acct)
		inCloud = true
	}
	for _, obj := range resourceBlocks {
		var block map[string]json.RawMessage
		if raw, ok := d.AWS[obj]; !ok || json.Unmarshal(raw, &block) != nil {
			continue
		}
		inCloud = inCloud || obj != "xray"
		for _, k := range sortedKeys(block) {
			name, ok := resourceKeys[obj][k]
			switch {
			case name == "" && ok:
				d.samplingRule = jsonString(block[k]) // per request: kept on the span
				continue
			case !ok:
				name = "aws." + obj + "." + k
			}
			r.unique(name, block[k])
			if name == "telemetry.sdk.name" {
				r.str("telemetry.sdk.language", sdkLanguage(jsonString(block[k])))
			}
		}
	}
	if inCloud {
		r.str("cloud.provider", "aws")
	}
	return model.Resource{Attributes: model.Attributes(r)}
}

// unique adds k unless an earlier block already set it. OTel's resource
// attributes are strings; X-Ray's own (aws.*) keep their JSON type.
func (a *attrs) unique(k string, raw json.RawMessage) {
	if _, dup := model.Attributes(*a).Get(k); dup {
		return
	}
	v, ok := jsonValue(raw)
	if !ok {
		return
	}
	if !strings.HasPrefix(k, "aws.") {
		v = model.StringValue(v.AsString())
	}
	a.add(k, v)
}

// sdkLanguage turns "X-Ray for Go" into "go".
func sdkLanguage(sdk string) string {
	_, lang, ok := strings.Cut(sdk, " for ")
	if !ok {
		return ""
	}
	return strings.ToLower(strings.TrimSpace(lang))
}

// aws maps the aws block to span attributes aws.<key>, keeping the types.
// On a segment the blocks that describe the host went to the resource. A
// call to an AWS service (namespace "aws") also gets OTel's rpc.* and
// cloud.region.
func (a *attrs) aws(d *Document, segment bool) {
	for _, k := range sortedKeys(d.AWS) {
		if segment && (k == "account_id" || resourceKeys[k] != nil) {
			continue
		}
		if v, ok := jsonValue(d.AWS[k]); ok {
			a.add("aws."+k, v)
		}
	}
	a.str("aws.xray.sampling_rule_name", d.samplingRule)
	if d.Namespace == "aws" {
		a.str("rpc.system", "aws-api")
		a.str("rpc.service", d.Name)
		a.str("rpc.method", jsonString(d.AWS["operation"]))
		a.str("cloud.region", jsonString(d.AWS["region"]))
	}
}

// sql maps the sql block: OTel's db.system.name, db.query.text and
// db.namespace, and every field as aws.xray.sql.<key> for what OTel has no
// name for (and the raw database_type).
func (a *attrs) sql(m map[string]json.RawMessage) {
	if len(m) == 0 {
		return
	}
	if t := jsonString(m["database_type"]); t != "" {
		a.str("db.system.name", dbSystem(t))
	}
	a.str("db.query.text", jsonString(m["sanitized_query"]))
	a.str("db.namespace", dbName(jsonString(m["url"])))
	for _, k := range sortedKeys(m) {
		if k == "sanitized_query" {
			continue
		}
		if v, ok := jsonValue(m[k]); ok {
			a.add("aws.xray.sql."+k, v)
		}
	}
}

// dbSystem names the database as OTel's db.system.name does.
func dbSystem(t string) string {
	switch l := strings.ToLower(t); l {
	case "postgres", "postgresql":
		return "postgresql"
	case "ms sql", "mssql", "sql server":
		return "microsoft.sql_server"
	case "oracle":
		return "oracle.db"
	default:
		return strings.ReplaceAll(l, " ", "_")
	}
}

// dbName reads the database from the SDKs' sql url, which looks like
// "postgres://user@host:5432/dbname?opts" or "host:port/dbname".
func dbName(u string) string {
	u, _, _ = strings.Cut(u, "?")
	if _, rest, ok := strings.Cut(u, "://"); ok {
		u = rest
	}
	_, db, ok := strings.Cut(u, "/")
	if !ok || strings.Contains(db, "/") {
		return ""
	}
	return db
}
