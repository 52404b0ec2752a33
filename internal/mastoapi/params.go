package mastoapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// maxBody caps every request body; a post is 140 characters, so even the
// largest legitimate form is far below this.
const maxBody = 1 << 20

// params merges a request's query string and body (form, multipart or JSON)
// into one lookup, as Mastodon accepts all three. JSON objects are
// flattened to "outer[inner]" keys and arrays to "key[]", the names form
// clients use, so handlers read one shape.
type params map[string][]string

func readParams(w http.ResponseWriter, r *http.Request) (params, error) {
	p := params{}
	for k, v := range r.URL.Query() {
		p[k] = append(p[k], v...)
	}
	if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return p, nil
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxBody)
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		body, err := decodeJSON(r.Body)
		if err != nil {
			return nil, err
		}
		for k, v := range body {
			if err := p.flatten(k, v); err != nil {
				return nil, err
			}
		}
	case "multipart/form-data":
		if err := r.ParseMultipartForm(maxBody); err != nil {
			return nil, bodyError(err)
		}
		for k, v := range r.MultipartForm.Value {
			p[k] = append(p[k], v...)
		}
		for k := range r.MultipartForm.File {
			p[k] = append(p[k], "")
		}
	default:
		if err := r.ParseForm(); err != nil {
			return nil, bodyError(err)
		}
		for k, v := range r.PostForm {
			p[k] = append(p[k], v...)
		}
	}
	return p, nil
}

// decodeJSON reads a JSON object. An empty body is no parameters, as some
// clients send the JSON content type on requests that carry nothing.
func decodeJSON(rd io.Reader) (map[string]any, error) {
	var body map[string]any
	dec := json.NewDecoder(rd)
	dec.UseNumber()
	err := dec.Decode(&body)
	switch {
	case err == io.EOF:
		return nil, nil // nothing but white space
	case err == nil:
		// One object and nothing after it.
		if _, err = dec.Token(); err == io.EOF {
			return body, nil
		}
		if err == nil {
			err = errors.New("unexpected data after the object")
		}
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, err
	}
	return nil, errorf(http.StatusBadRequest, "The request body is not valid JSON: "+err.Error())
}

func bodyError(err error) error {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return err
	}
	return errorf(http.StatusBadRequest, "The request body could not be read: "+err.Error())
}

func (p params) flatten(key string, v any) error {
	switch v := v.(type) {
	case nil:
	case string:
		p[key] = append(p[key], v)
	case json.Number:
		p[key] = append(p[key], v.String())
	case bool:
		p[key] = append(p[key], strconv.FormatBool(v))
	case []any:
		k := key + "[]"
		if _, ok := p[k]; !ok {
			p[k] = []string{} // present even when empty
		}
		for _, e := range v {
			if err := p.flatten(k, e); err != nil {
				return err
			}
		}
	case map[string]any:
		for k, e := range v {
			if err := p.flatten(key+"["+k+"]", e); err != nil {
				return err
			}
		}
	default:
		return errorf(http.StatusBadRequest, fmt.Sprintf("%s: unsupported value", key))
	}
	return nil
}

// str returns the first value of key, or "".
func (p params) str(key string) string {
	if v := p[key]; len(v) > 0 {
		return v[0]
	}
	return ""
}

// has says whether key was sent at all.
func (p params) has(key string) bool {
	_, ok := p[key]
	return ok
}

// list returns every value sent as key[] or key.
func (p params) list(key string) []string {
	out := append([]string(nil), p[key+"[]"]...)
	return append(out, p[key]...)
}

// boolean parses key as Mastodon does (true/false, 1/0, on/off); absent is def.
func (p params) boolean(key string, def bool) (bool, error) {
	v := p.str(key)
	switch strings.ToLower(v) {
	case "":
		if !p.has(key) {
			return def, nil
		}
		return false, nil
	case "true", "1", "on", "yes", "t":
		return true, nil
	case "false", "0", "off", "no", "f":
		return false, nil
	}
	return false, errorf(http.StatusUnprocessableEntity, fmt.Sprintf("Validation failed: %s must be true or false", key))
}

// integer parses key as an int clamped to [min, max]; absent is def.
func (p params) integer(key string, def, lo, hi int) (int, error) {
	v := p.str(key)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, errorf(http.StatusBadRequest, fmt.Sprintf("%s must be a number", key))
	}
	return min(max(n, lo), hi), nil
}

// id parses key as an optional id: absent is 0, garbage is a 400.
func (p params) id(key string) (int64, error) {
	v := p.str(key)
	if v == "" {
		return 0, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, errorf(http.StatusBadRequest, fmt.Sprintf("%s must be an id", key))
	}
	return n, nil
}

// pathID parses an id from the URL path; anything else is simply not found.
func pathID(r *http.Request, name string) (int64, error) {
	n, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || n <= 0 {
		return 0, errNotFound
	}
	return n, nil
}
