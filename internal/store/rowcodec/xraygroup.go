package rowcodec

import (
	"encoding/json"
	"fmt"
	"time"

	"lookout/internal/store"
)

// X-Ray groups are kept by both metadata stores as configuration documents
// of kind XRayGroupKind, named by the group, whose body is xrayGroupBody:
// no table of their own, so neither schema changes.

// XRayGroupKind is the document kind of X-Ray groups.
const XRayGroupKind = "xray.group"

// xrayGroupBody is what a group's document holds besides its name.
type xrayGroupBody struct {
	ID                   string
	FilterExpression     string
	InsightsEnabled      bool
	NotificationsEnabled bool
	Tags                 []store.ResourceTag
	CreatedNs            int64
}

// CheckXRayGroupKey refuses a group without a project or a name.
func CheckXRayGroupKey(project, name string) error {
	if project == "" || name == "" {
		return fmt.Errorf("x-ray group: project and name must be set (got %q, %q)", project, name)
	}
	return nil
}

// XRayGroupBody encodes a group's document body.
func XRayGroupBody(g store.XRayGroup) (string, error) {
	b, err := json.Marshal(xrayGroupBody{ID: g.ID, FilterExpression: g.FilterExpression, InsightsEnabled: g.InsightsEnabled,
		NotificationsEnabled: g.NotificationsEnabled, Tags: g.Tags, CreatedNs: g.CreatedAt.UnixNano()})
	return string(b), err
}

// XRayGroupOf decodes a group from its document: name, body and the
// document's update time in Unix nanoseconds.
func XRayGroupOf(project, name, body string, updatedNs int64) (store.XRayGroup, error) {
	var b xrayGroupBody
	if err := json.Unmarshal([]byte(body), &b); err != nil {
		return store.XRayGroup{}, fmt.Errorf("x-ray group %q: %w", name, err)
	}
	if len(b.Tags) == 0 {
		b.Tags = nil
	}
	return store.XRayGroup{Project: project, Name: name, ID: b.ID, FilterExpression: b.FilterExpression,
		InsightsEnabled: b.InsightsEnabled, NotificationsEnabled: b.NotificationsEnabled, Tags: b.Tags,
		CreatedAt: nanosTime(b.CreatedNs), UpdatedAt: nanosTime(updatedNs)}, nil
}

// nanosTime is the UTC time of Unix nanoseconds, the zero time for 0.
func nanosTime(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}
