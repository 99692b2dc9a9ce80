package identity

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
)

// sessionCookie holds a UI login session's id.
const sessionCookie = "lookout_session"

// maxLoginBody bounds the login form.
const maxLoginBody = 4 << 10

var loginPage = template.Must(template.New("login").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lookout: log in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font:15px system-ui,sans-serif;max-width:24em;margin:12vh auto;padding:0 1em}
input,button{font:inherit;padding:.4em;margin:.3em 0;width:100%;box-sizing:border-box}
.msg{color:#a00}</style></head>
<body><h1>Lookout</h1>
{{if .Message}}<p class="msg">{{.Message}}</p>{{end}}
{{if .Keyed}}<form method="post" action="/login">
<input type="hidden" name="next" value="{{.Next}}">
<label>API key<input type="password" name="key" autocomplete="current-password" autofocus required></label>
<button type="submit">Log in</button></form>
<p>An API key is one of <code>--api-keys</code> (<code>LOOKOUT_API_KEYS</code>).</p>
{{else}}<p>No API keys are configured: this Lookout serves its UI to loopback clients without a login.</p>
<p><a href="/">Open Lookout</a></p>{{end}}
</body></html>
`))

type loginView struct {
	Keyed   bool
	Next    string
	Message string
}

// serveLogin is GET /login (the form) and POST /login (key=...&next=...):
// a valid key opens a session, sets its cookie (HttpOnly, SameSite=Strict,
// Secure as secure says) and sends the browser to next; a wrong one shows
// the form again with 401.
func (g *Gate) serveLogin(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead:
		g.showLogin(w, http.StatusOK, loginView{Keyed: g.cfg.Keys.Len() > 0, Next: safeNext(r.URL.Query().Get("next"))})
		return
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, HEAD, POST")
		http.Error(w, "/login takes GET or POST", http.StatusMethodNotAllowed)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxLoginBody)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "login: want a form with key and next", http.StatusBadRequest)
		return
	}
	next := safeNext(r.PostForm.Get("next"))
	if g.cfg.Keys.Len() == 0 {
		g.showLogin(w, http.StatusBadRequest, loginView{Message: "There is nothing to log in to."})
		return
	}
	project, ok := g.cfg.Keys.Lookup(strings.TrimSpace(r.PostForm.Get("key")))
	if !ok {
		g.log.Info("identity: login refused", "remote", r.RemoteAddr)
		g.showLogin(w, http.StatusUnauthorized, loginView{Keyed: true, Next: next, Message: "That is not an API key of this Lookout."})
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: g.sessions.Start(project), Path: "/",
		MaxAge: int(g.cfg.SessionTTL.Seconds()), HttpOnly: true, Secure: g.secure(r), SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// serveLogout is POST /logout: it ends the session, clears its cookie and
// sends the browser to the login page.
func (g *Gate) serveLogout(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "/logout takes POST", http.StatusMethodNotAllowed)
		return
	}
	if c, err := r.Cookie(sessionCookie); err == nil {
		g.sessions.End(c.Value)
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: g.secure(r), SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// secure tells whether the session cookie is marked Secure: on a TLS
// request, or always when Lookout is known to be reached over https.
func (g *Gate) secure(r *http.Request) bool { return r.TLS != nil || g.cfg.SecureCookies }

func (g *Gate) showLogin(w http.ResponseWriter, status int, v loginView) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	_ = loginPage.Execute(w, v)
}

// safeNext keeps a path on this server to go to after logging in:
// anything else (another host, a scheme, "//host") becomes "/".
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.HasPrefix(next, "/\\") || u.Scheme != "" || u.Host != "" {
		return "/"
	}
	return next
}
