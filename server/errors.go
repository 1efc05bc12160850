package server

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Sentinel errors of the service layer. writeError is the one place that
// maps them (and anything else) to HTTP statuses.
var (
	ErrNotFound     = errors.New("not found")
	ErrForbidden    = errors.New("forbidden")
	ErrUnauthorized = errors.New("not authenticated")
	ErrConflict     = errors.New("conflict")
)

// apiError is an error with a stable code and a message safe to show.
type apiError struct {
	status  int
	code    string
	message string
	header  http.Header
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func badRequest(format string, args ...any) error {
	return &apiError{status: http.StatusBadRequest, code: "invalid_request", message: fmt.Sprintf(format, args...)}
}

func conflict(format string, args ...any) error {
	return &apiError{status: http.StatusConflict, code: "conflict", message: fmt.Sprintf(format, args...)}
}

func unauthorized(msg string) error {
	return &apiError{status: http.StatusUnauthorized, code: "unauthorized", message: msg}
}

func forbidden(msg string) error {
	return &apiError{status: http.StatusForbidden, code: "forbidden", message: msg}
}

func tooLarge(msg string) error {
	return &apiError{status: http.StatusRequestEntityTooLarge, code: "too_large", message: msg}
}

// classify turns an error into status, code and a message that never
// leaks internals.
func classify(err error) *apiError {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		return ae
	case errors.Is(err, ErrNotFound), errors.Is(err, pgx.ErrNoRows):
		return &apiError{status: http.StatusNotFound, code: "not_found", message: "not found"}
	case errors.Is(err, ErrForbidden):
		return &apiError{status: http.StatusForbidden, code: "forbidden", message: "you do not have permission to do that"}
	case errors.Is(err, ErrUnauthorized):
		return &apiError{status: http.StatusUnauthorized, code: "unauthorized", message: "authentication required"}
	case errors.Is(err, ErrConflict):
		return &apiError{status: http.StatusConflict, code: "conflict", message: "conflict"}
	case errors.Is(err, context.Canceled):
		return &apiError{status: 499, code: "cancelled", message: "request cancelled"}
	case errors.Is(err, context.DeadlineExceeded):
		return &apiError{status: http.StatusServiceUnavailable, code: "timeout", message: "the request took too long"}
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch pe.Code {
		case "23505":
			return &apiError{status: http.StatusConflict, code: "conflict", message: "already exists"}
		case "23503":
			return &apiError{status: http.StatusConflict, code: "conflict", message: "refers to something that does not exist"}
		case "22P02", "22021", "54000":
			return &apiError{status: http.StatusBadRequest, code: "invalid_request", message: "invalid value"}
		}
	}
	return &apiError{status: http.StatusInternalServerError, code: "internal", message: "internal server error"}
}

func isUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}
