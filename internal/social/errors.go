// Package social is what people do on sada and the rules around it: posting
// (text rules, mentions, tags, visibility, where a post is delivered),
// reposting, favouriting, following (with locked accounts), and assembling
// what a reader may see. Every surface — the Mastodon API, the web pages,
// SMS — calls this package; none of them decides these rules itself.
//
// It is one package rather than post/timeline/follow services because the
// rules share one question everywhere: may this reader see this post?
package social

import (
	"errors"
	"fmt"

	"github.com/sada-project/sada/internal/store"
)

// Kinds of failure. Surfaces map each kind to a response (HTTP status, page
// message, SMS reply) in one place.
var (
	ErrInvalid   = errors.New("invalid input")        // 422
	ErrNotFound  = errors.New("record not found")     // 404
	ErrForbidden = errors.New("action not permitted") // 403
)

// Error is a failure whose message is safe to show to the person who caused it.
type Error struct {
	Kind error
	Msg  string
}

func (e *Error) Error() string { return e.Msg }

// Unwrap lets errors.Is match the kind.
func (e *Error) Unwrap() error { return e.Kind }

func invalid(format string, args ...any) error {
	return &Error{Kind: ErrInvalid, Msg: fmt.Sprintf(format, args...)}
}

func forbidden(msg string) error { return &Error{Kind: ErrForbidden, Msg: msg} }

func notFound(msg string) error { return &Error{Kind: ErrNotFound, Msg: msg} }

// hideMissing turns the store's not-found into a safe, visible not-found and
// leaves other errors (which are internal) as they are.
func hideMissing(err error, msg string) error {
	if errors.Is(err, store.ErrNotFound) {
		return notFound(msg)
	}
	return err
}
