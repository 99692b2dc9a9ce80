package query

// TextMatchOp is the operation of a TextMatch node.
type TextMatchOp int

const (
	MatchAnd         TextMatchOp = iota // every child holds
	MatchOr                             // some child holds
	MatchContains                       // the message contains Text (case-sensitive)
	MatchNotContains                    // the message does not contain Text
	// MatchJSONString: the message is a JSON document whose value at Path,
	// read as a string (JSON strings unescaped, true/false as words), is
	// Text. Messages that are not valid JSON but contain '{' must pass.
	MatchJSONString
	// MatchJSONNumber: as MatchJSONString, but the value read as a number
	// (a JSON number or a numeric string) is Num; a string a store cannot
	// read as a decimal number (hexadecimal "0x...") must pass.
	MatchJSONNumber
)

// TextMatch is a condition on the text of a log message that a store
// evaluates where the data is: an And/Or tree over substring and JSON-path
// tests. Query languages over log text (CloudWatch filter patterns today)
// compile into it; a language may produce a superset of its matches and
// finish in its own matcher.
type TextMatch struct {
	Op       TextMatchOp
	Children []*TextMatch // MatchAnd, MatchOr
	Text     string       // substring, or the expected string value
	Path     []PathStep   // MatchJSONString, MatchJSONNumber
	Num      float64      // MatchJSONNumber
}

// PathStep is a step of a JSON path: an object key, or an array index when
// Index >= 0.
type PathStep struct {
	Key   string
	Index int
}
