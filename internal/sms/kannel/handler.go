package kannel

import (
	"context"
	"crypto/subtle"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"github.com/sada-project/sada/internal/sms"
)

// Paths of the handler's endpoints, for kannel.conf.
const (
	IncomingPath = "/sms/kannel/incoming"
	ReportPath   = "/sms/kannel/dlr"
)

// Service is what the handler needs of package sms.
type Service interface {
	Receive(ctx context.Context, in sms.Inbound) error
	Report(ctx context.Context, outboxID int64, dlr int, detail string) error
}

// Handler serves the URLs Kannel's smsbox calls. Both check the shared
// secret (a "secret" parameter, or the password of HTTP basic auth, which
// Kannel sends for a URL like http://sada:secret@host/...) and the
// caller's address.
type Handler struct {
	svc    Service
	secret []byte
	allow  []netip.Prefix
	log    *slog.Logger
}

// NewHandler returns a Handler accepting calls from addresses in allow
// that carry secret.
func NewHandler(svc Service, secret string, allow []netip.Prefix, log *slog.Logger) *Handler {
	return &Handler{svc: svc, secret: []byte(secret), allow: allow, log: log}
}

// ParseAllow reads a comma-separated list of addresses and prefixes
// ("127.0.0.1, 10.0.0.0/8, ::1").
func ParseAllow(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if strings.Contains(f, "/") {
			p, err := netip.ParsePrefix(f)
			if err != nil {
				return nil, err
			}
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, err
		}
		out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
	}
	return out, nil
}

// Routes mounts the endpoints on mux.
func (h *Handler) Routes(mux *http.ServeMux) {
	mux.HandleFunc("GET "+IncomingPath, h.incoming)
	mux.HandleFunc("GET "+ReportPath, h.report)
}

// incoming takes a received message: it answers as soon as the message is
// stored, with an empty 200 that Kannel sends nowhere (the sms-service
// has max-messages = 0; replies go through the outbox). A store failure is
// a 503, which makes Kannel try again later with the same %I.
func (h *Handler) incoming(w http.ResponseWriter, r *http.Request) {
	if !h.authorised(w, r) {
		return
	}
	q := r.URL.Query()
	in := sms.Inbound{
		GatewayID: q.Get("id"),
		From:      q.Get("from"),
		To:        q.Get("to"),
		Text:      decodeText(q.Get("text"), q.Get("coding"), q.Get("charset")),
	}
	if t, err := strconv.ParseInt(q.Get("time"), 10, 64); err == nil && t > 0 {
		in.SentAt = time.Unix(t, 0).UTC()
	}
	if in.GatewayID == "" || in.From == "" {
		h.fail(w, http.StatusBadRequest, "id and from are required", nil)
		return
	}
	err := h.svc.Receive(r.Context(), in)
	switch {
	case err == nil, errors.Is(err, sms.ErrDuplicate):
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusOK)
	case errors.Is(err, sms.ErrBadNumber):
		// Not a number we can answer (an alphanumeric sender): retrying
		// will not help, so Kannel is told all is well.
		h.log.Warn("sms: message from a sender that is not a phone number; ignored", "from", in.From)
		w.WriteHeader(http.StatusOK)
	default:
		h.fail(w, http.StatusServiceUnavailable, "try again later", err)
	}
}

// report takes a delivery report for the outbox message named by id.
func (h *Handler) report(w http.ResponseWriter, r *http.Request) {
	if !h.authorised(w, r) {
		return
	}
	q := r.URL.Query()
	id, err1 := strconv.ParseInt(q.Get("id"), 10, 64)
	typ, err2 := strconv.Atoi(q.Get("type"))
	if err1 != nil || err2 != nil {
		h.fail(w, http.StatusBadRequest, "id and type must be numbers", nil)
		return
	}
	err := h.svc.Report(r.Context(), id, typ, q.Get("reply"))
	switch {
	case err == nil:
	case errors.Is(err, sms.ErrBadReport):
		// About a message long purged, or a type we do not use: a retry
		// would not change that.
		h.log.Warn("sms: delivery report ignored", "outbox", id, "type", typ, "err", err)
	default:
		h.fail(w, http.StatusServiceUnavailable, "try again later", err)
		return
	}
	w.WriteHeader(http.StatusOK)
}

// authorised checks the caller's address and the secret, and answers 403
// when either is wrong.
func (h *Handler) authorised(w http.ResponseWriter, r *http.Request) bool {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	addr, perr := netip.ParseAddr(host)
	allowed := false
	if err == nil && perr == nil {
		addr = addr.Unmap()
		for _, p := range h.allow {
			if p.Contains(addr) {
				allowed = true
				break
			}
		}
	}
	if !allowed {
		h.fail(w, http.StatusForbidden, "forbidden", errors.New("caller not in the allowed addresses: "+r.RemoteAddr))
		return false
	}
	secret := r.URL.Query().Get("secret")
	if _, pw, ok := r.BasicAuth(); ok && secret == "" {
		secret = pw
	}
	if len(h.secret) == 0 || subtle.ConstantTimeCompare([]byte(secret), h.secret) != 1 {
		h.fail(w, http.StatusForbidden, "forbidden", errors.New("wrong or missing secret from "+r.RemoteAddr))
		return false
	}
	return true
}

// fail answers with status and a short text, logging err when set: the
// one place this handler turns errors into responses.
func (h *Handler) fail(w http.ResponseWriter, status int, msg string, err error) {
	if err != nil {
		if status >= 500 {
			h.log.Error("sms: kannel callback", "status", status, "err", err)
		} else {
			h.log.Warn("sms: kannel callback refused", "status", status, "err", err)
		}
	}
	http.Error(w, msg, status)
}

// decodeText turns %a into UTF-8. With mo-recode = true (as sada's
// example kannel.conf sets), Kannel already gives UTF-8; without it,
// UCS-2 messages arrive as raw UTF-16 bytes, which this decodes when the
// get-url passes %c and %C too.
func decodeText(text, coding, charset string) string {
	switch {
	case strings.EqualFold(charset, "UTF-16BE") || (coding == "2" && !utf8.ValidString(text)):
		b := []byte(text)
		u := make([]uint16, len(b)/2)
		for i := range u {
			u[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
		}
		return string(utf16.Decode(u))
	case strings.EqualFold(charset, "WINDOWS-1252") && !utf8.ValidString(text):
		if s, err := charmap.Windows1252.NewDecoder().String(text); err == nil {
			return s
		}
	}
	return strings.ToValidUTF8(text, "\uFFFD")
}
