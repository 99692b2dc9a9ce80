// Package awsmodel holds the input constraints of the AWS APIs Lookout
// speaks, generated from AWS's published service models (botocore's
// logs and xray service-2.json, Apache-2.0) by ./gen, and checks request
// bodies against them as the services do: lengths, value ranges, patterns,
// enum values and required members, worded as AWS words a failed
// constraint. The receivers validate every request through it before
// their own checks, which are left with what a model cannot say.
package awsmodel

//go:generate sh -c "go run ./gen -model \"$(python3 -c 'import botocore,os;print(os.path.dirname(botocore.__file__))')/data/logs/2014-03-28/service-2.json.gz\" -var Logs -out logs_model.go -override EventsLimitStartQuery.max=100000"
//go:generate sh -c "go run ./gen -model \"$(python3 -c 'import botocore,os;print(os.path.dirname(botocore.__file__))')/data/xray/2016-04-12/service-2.json.gz\" -var XRay -out xray_model.go"

// The StartQuery limit: the model still says at most 10,000 rows, the
// service and its documentation take up to 100,000 (the override above).

// Model is one service's operations and the shapes their inputs reach.
type Model struct {
	Name         string // the service's full name
	TargetPrefix string // X-Amz-Target prefix of JSON 1.1 services, without the dot
	Operations   []Operation
	Shapes       map[string]*Shape
}

// Operation is one operation of the model.
type Operation struct {
	Name         string
	Method, Path string // the HTTP binding (restJson1 services)
	Input        string // input shape; "" when it takes none
}

// Type is a shape's type.
type Type uint8

// The model's shape types.
const (
	Structure Type = iota
	List
	Map
	String
	Integer
	Long
	Double
	Boolean
	Blob
	Timestamp
)

// Shape is a model shape's constraints. Min and Max bound a string's,
// list's or map's length, a number's value.
type Shape struct {
	Type           Type
	Min, Max       int64
	HasMin, HasMax bool
	Pattern        string   // the whole value must match
	Enum           []string // allowed string values
	Required       []string // members that must be present
	Members        []Member // structures, in the model's order
	Member         string   // lists: the element shape
	Key, Value     string   // maps
}

// Member is a structure's member.
type Member struct{ Name, Shape string }

// Operation returns the operation named name.
func (m *Model) Operation(name string) (Operation, bool) {
	for _, op := range m.Operations {
		if op.Name == name {
			return op, true
		}
	}
	return Operation{}, false
}
