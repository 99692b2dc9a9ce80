package rollbar

import (
	"net/http"

	"lookout/internal/receiver/rollbar/wire"
)

// apiError is a failure in Rollbar's error shape.
type apiError = wire.Error

func fail(status int, msg string) *apiError { return wire.Fail(status, msg) }

func writeResult(w http.ResponseWriter, status int, result any) { wire.WriteResult(w, status, result) }

func writeError(w http.ResponseWriter, e *apiError) { wire.WriteError(w, e) }
