package insights

// MessageFields lists the fields a query discovers in a message: the keys
// of its JSON object, nested keys joined with '.', array elements by index
// (at most 200, as the service discovers). A message that is not a JSON
// object has none. The order is unspecified.
func MessageFields(message string) []string {
	r := row{ev: &Event{Message: message}}
	r.discover()
	out := make([]string, 0, len(r.json))
	for k := range r.json {
		out = append(out, k)
	}
	return out
}
