package cwlogs

// addInsights registers the Logs Insights operations when they exist.
func (h *Handler) addInsights() {}
