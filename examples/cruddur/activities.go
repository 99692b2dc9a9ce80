package cruddur

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// user is a Cruddur account: what the profiles service knows and Rollbar
// reports as the person.
type user struct {
	UUID        string `json:"uuid"`
	Handle      string `json:"handle"`
	DisplayName string `json:"display_name"`
	Email       string `json:"email"`
	Bio         string `json:"bio"`
}

// users are the demo's accounts, by handle.
var users = map[string]*user{
	"andrewbrown": {UUID: "2c1e2e8b-6b61-4c53-8f4f-5e4bb6b7d8a1", Handle: "andrewbrown", DisplayName: "Andrew Brown",
		Email: "andrew@cruddur.local", Bio: "Cloud is very fun!"},
	"worf": {UUID: "8c5a9d4e-3f07-4a4e-9b1d-0c9b3f6f2d11", Handle: "worf", DisplayName: "Worf",
		Email: "worf@cruddur.local", Bio: "Son of Mogh."},
	"garek": {UUID: "d4c0f7a2-1e4b-4c8e-a2f3-7b9e5d6c3a20", Handle: "garek", DisplayName: "Garek",
		Email: "garek@cruddur.local", Bio: "Just a simple tailor."},
}

// activity is a post ("crud") as the API returns it.
type activity struct {
	UUID         string     `json:"uuid"`
	Handle       string     `json:"handle"`
	Message      string     `json:"message"`
	RepliesCount int        `json:"replies_count"`
	RepostsCount int        `json:"reposts_count"`
	LikesCount   int        `json:"likes_count"`
	CreatedAt    time.Time  `json:"created_at"`
	ExpiresAt    time.Time  `json:"expires_at"`
	Replies      []activity `json:"replies,omitempty"`
}

// homeActivities is the home feed: Cruddur's mock data, dated from now.
func homeActivities(now time.Time) []activity {
	return []activity{
		{UUID: "68f126b0-1ceb-4a33-88be-d90fa7109eee", Handle: "Andrew Brown", Message: "Cloud is very fun!",
			RepliesCount: 1, LikesCount: 5, CreatedAt: now.Add(-48 * time.Hour), ExpiresAt: now.Add(5 * 24 * time.Hour),
			Replies: []activity{{UUID: "26e12864-1c26-5c3a-9658-97a10f8fea67", Handle: "Worf",
				Message: "This post has no honor!", CreatedAt: now.Add(-48 * time.Hour)}}},
		{UUID: "66e12864-8c26-4c3a-9658-95a10f8fea67", Handle: "Worf", Message: "I am out of prune juice",
			CreatedAt: now.Add(-24 * time.Hour), ExpiresAt: now.Add(31 * 24 * time.Hour)},
		{UUID: "248959df-3079-4947-b847-9e0892d1bab4", Handle: "Garek", Message: "My dear doctor, I am just simple tailor",
			LikesCount: 0, CreatedAt: now.Add(-time.Hour), ExpiresAt: now.Add(12 * time.Hour)},
	}
}

// userActivities is a user's own posts.
func userActivities(u *user, now time.Time) []activity {
	return []activity{{UUID: "248959df-3079-4947-b847-9e0892d1bab4", Handle: u.DisplayName,
		Message: "Hello from " + u.DisplayName, CreatedAt: now.Add(-time.Hour), ExpiresAt: now.Add(24 * time.Hour)}}
}

// ttls are the lifetimes a post may be given.
var ttls = map[string]time.Duration{
	"30-days": 30 * 24 * time.Hour, "7-days": 7 * 24 * time.Hour, "3-days": 3 * 24 * time.Hour,
	"1-day": 24 * time.Hour, "12-hours": 12 * time.Hour, "3-hours": 3 * time.Hour, "1-hour": time.Hour,
}

// newActivity validates a post as Cruddur's create_activity does and
// returns it, or the error codes of what was wrong.
func newActivity(u *user, message, ttl string, now time.Time) (activity, []string) {
	var errs []string
	d, ok := ttls[ttl]
	if !ok {
		errs = append(errs, "ttl_blank")
	}
	switch n := utf8.RuneCountInString(strings.TrimSpace(message)); {
	case n == 0:
		errs = append(errs, "message_blank")
	case n > 280:
		errs = append(errs, "message_exceed_max_chars")
	}
	if u == nil {
		errs = append(errs, "user_handle_blank")
	}
	if errs != nil {
		return activity{}, errs
	}
	return activity{UUID: uuid.NewString(), Handle: u.DisplayName, Message: message, CreatedAt: now, ExpiresAt: now.Add(d)}, nil
}

// messageGroup is a conversation in the user's inbox.
type messageGroup struct {
	UUID        string    `json:"uuid"`
	DisplayName string    `json:"display_name"`
	Handle      string    `json:"handle"`
	Message     string    `json:"message"`
	CreatedAt   time.Time `json:"created_at"`
}

// messageGroups is the inbox of u: a conversation with every other user.
func messageGroups(u *user, now time.Time) []messageGroup {
	var out []messageGroup
	for _, h := range []string{"andrewbrown", "worf", "garek"} {
		if o := users[h]; o != u {
			out = append(out, messageGroup{UUID: o.UUID, DisplayName: o.DisplayName, Handle: o.Handle,
				Message: "Hello " + u.DisplayName, CreatedAt: now.Add(-time.Hour)})
		}
	}
	return out
}
