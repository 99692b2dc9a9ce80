package metaduck

// cwlogsDDL creates the CloudWatch Logs metadata: log groups and streams.
func cwlogsDDL() []string { return nil }
