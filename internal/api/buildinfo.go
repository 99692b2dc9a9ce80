package api

import (
	"net/http"
	"runtime"
	"runtime/debug"
)

// buildInfoJSON is Tempo's build information shape.
type buildInfoJSON struct {
	Version   string `json:"version"`
	Revision  string `json:"revision"`
	Branch    string `json:"branch"`
	BuildUser string `json:"buildUser"`
	BuildDate string `json:"buildDate"`
	GoVersion string `json:"goVersion"`
}

// buildInfo answers Tempo's GET /api/status/buildinfo: Lookout's version
// (Config.Version, "dev" when unset), the VCS revision and time the binary
// was built from when Go recorded them, and the Go version.
func (a *API) buildInfo(w http.ResponseWriter, _ *http.Request) error {
	bi := buildInfoJSON{Version: a.cfg.Version, GoVersion: runtime.Version()}
	if bi.Version == "" {
		bi.Version = "dev"
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				bi.Revision = s.Value
			case "vcs.time":
				bi.BuildDate = s.Value
			}
		}
	}
	return writeJSON(w, http.StatusOK, bi)
}
