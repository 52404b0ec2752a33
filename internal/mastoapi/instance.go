package mastoapi

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"

	"github.com/sada-project/sada/internal/config"
	"github.com/sada-project/sada/internal/post"
)

func (a *API) streamingURL() string {
	if len(a.BaseURL) > 5 && a.BaseURL[:5] == "https" {
		return "wss" + a.BaseURL[5:]
	}
	return "ws" + a.BaseURL[4:]
}

// stats counts what the instance holds.
func (a *API) stats(r *http.Request) (users, statuses int64, err error) {
	if users, err = a.Store.CountAccounts(r.Context()); err != nil {
		return 0, 0, fmt.Errorf("instance stats: %w", err)
	}
	if statuses, err = a.Store.CountStatuses(r.Context()); err != nil {
		return 0, 0, fmt.Errorf("instance stats: %w", err)
	}
	return users, statuses, nil
}

func (a *API) statusConfig() map[string]any {
	return map[string]any{
		"max_characters":              post.MaxLength,
		"max_media_attachments":       0,
		"characters_reserved_per_url": post.URLLength,
	}
}

// instanceV1 is GET /api/v1/instance.
func (a *API) instanceV1(w http.ResponseWriter, r *http.Request, _ auth) error {
	users, statuses, err := a.stats(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"uri": a.Domain, "title": a.Config.Title, "short_description": a.Config.Description,
		"description": a.Config.Description, "email": "", "version": Version,
		"urls":              map[string]string{"streaming_api": a.streamingURL()},
		"stats":             map[string]int64{"user_count": users, "status_count": statuses, "domain_count": 0},
		"thumbnail":         a.BaseURL + headerPath,
		"languages":         []string{"en", "ar", "fa"},
		"registrations":     a.Config.Registrations == config.RegistrationsOpen,
		"approval_required": false, "invites_enabled": false,
		"configuration": map[string]any{
			"accounts":          map[string]any{"max_featured_tags": 0},
			"statuses":          a.statusConfig(),
			"media_attachments": map[string]any{"supported_mime_types": []string{}, "image_size_limit": 0, "image_matrix_limit": 0, "video_size_limit": 0, "video_frame_rate_limit": 0, "video_matrix_limit": 0},
			"polls":             map[string]any{"max_options": 0, "max_characters_per_option": 0, "min_expiration": 0, "max_expiration": 0},
		},
		"contact_account": nil, "rules": []any{},
	})
	return nil
}

// instanceV2 is GET /api/v2/instance.
func (a *API) instanceV2(w http.ResponseWriter, r *http.Request, _ auth) error {
	users, _, err := a.stats(r)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"domain": a.Domain, "title": a.Config.Title, "version": Version,
		"source_url": "", "description": a.Config.Description,
		"usage":     map[string]any{"users": map[string]int64{"active_month": users}},
		"thumbnail": map[string]any{"url": a.BaseURL + headerPath},
		"languages": []string{"en", "ar", "fa"},
		"configuration": map[string]any{
			"urls":              map[string]string{"streaming": a.streamingURL()},
			"accounts":          map[string]any{"max_featured_tags": 0, "max_pinned_statuses": 0},
			"statuses":          a.statusConfig(),
			"media_attachments": map[string]any{"supported_mime_types": []string{}, "image_size_limit": 0, "image_matrix_limit": 0, "video_size_limit": 0, "video_frame_rate_limit": 0, "video_matrix_limit": 0},
			"polls":             map[string]any{"max_options": 0, "max_characters_per_option": 0, "min_expiration": 0, "max_expiration": 0},
			"translation":       map[string]bool{"enabled": false},
		},
		"registrations": map[string]any{"enabled": a.Config.Registrations == config.RegistrationsOpen, "approval_required": false, "message": nil},
		"contact":       map[string]any{"email": "", "account": nil},
		"rules":         []any{},
	})
	return nil
}

// emptyList answers lists that are truly empty on a server with no
// federation or custom emoji, which clients fetch on start-up.
func (a *API) emptyList(w http.ResponseWriter, r *http.Request, _ auth) error {
	writeJSON(w, http.StatusOK, []any{})
	return nil
}

// Default images, drawn here so no profile ever loads a picture from
// another host.
const (
	avatarPath = "/avatars/original/missing.png"
	headerPath = "/headers/original/missing.png"
)

func flatPNG(w, h int, c color.Color) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, c)
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img) // encoding to memory cannot fail
	return buf.Bytes()
}

var (
	avatarPNG = flatPNG(120, 120, color.RGBA{0x5b, 0x6b, 0x7f, 0xff})
	headerPNG = flatPNG(300, 100, color.RGBA{0x2e, 0x3a, 0x48, 0xff})
)

func servePNG(b []byte) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Cache-Control", "public, max-age=86400")
		_, _ = w.Write(b)
	}
}
