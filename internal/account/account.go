// Package account holds the rules for usernames and passwords.
package account

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Limits on what a person may choose.
const (
	MaxUsername       = 30
	MinPassword       = 8
	MaxPassword       = 256 // bytes; bounds the hashing work an attacker can ask for
	MaxDisplayName    = 30  // code points, as Mastodon
	MaxNote           = 500 // code points, as Mastodon
	reservedUsernames = "admin administrator root sada support help about api oauth settings login logout signup auth web tags users static well-known"
)

// Errors returned by the checks; the messages are safe to show to people.
var (
	ErrUsernameEmpty    = errors.New("username is empty")
	ErrUsernameTooLong  = fmt.Errorf("username is longer than %d characters", MaxUsername)
	ErrUsernameChars    = errors.New("username may contain only letters a-z, digits and underscore")
	ErrUsernameReserved = errors.New("username is reserved")
	ErrPasswordShort    = fmt.Errorf("password must be at least %d characters", MinPassword)
	ErrPasswordLong     = fmt.Errorf("password must be at most %d bytes", MaxPassword)
	ErrPasswordMismatch = errors.New("password does not match")
)

// CheckUsername says whether name may be registered. Usernames are ASCII
// letters, digits and underscore, like Mastodon's, so that @mentions parse
// the same in every client and can be typed on any phone keypad; display
// names carry any script.
func CheckUsername(name string) error {
	switch {
	case name == "":
		return ErrUsernameEmpty
	case len(name) > MaxUsername:
		return ErrUsernameTooLong
	}
	for _, r := range name {
		ok := r == '_' || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9')
		if !ok {
			return ErrUsernameChars
		}
	}
	for _, w := range strings.Fields(reservedUsernames) {
		if strings.EqualFold(w, name) {
			return ErrUsernameReserved
		}
	}
	return nil
}

// CheckPassword says whether pw is acceptable as a new password.
func CheckPassword(pw string) error {
	switch {
	case utf8.RuneCountInString(pw) < MinPassword:
		return ErrPasswordShort
	case len(pw) > MaxPassword:
		return ErrPasswordLong
	}
	return nil
}

// Argon2id parameters: OWASP's minimum recommendation (19 MiB, 2 passes),
// which costs about 20 ms here and keeps many concurrent log-ins within memory.
const (
	argonTime    = 2
	argonMemory  = 19 * 1024
	argonThreads = 1
	argonKeyLen  = 32
)

// HashPassword returns an encoded argon2id hash of pw in the PHC string format.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword checks pw against an encoded hash made by HashPassword.
// It returns ErrPasswordMismatch when they differ.
func VerifyPassword(encoded, pw string) error {
	var version, mem, passes int
	var threads uint8
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return errors.New("verify password: unknown hash format")
	}
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil {
		return fmt.Errorf("verify password: %w", err)
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &mem, &passes, &threads); err != nil {
		return fmt.Errorf("verify password: %w", err)
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return fmt.Errorf("verify password salt: %w", err)
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return fmt.Errorf("verify password key: %w", err)
	}
	got := argon2.IDKey([]byte(pw), salt, uint32(passes), uint32(mem), threads, uint32(len(want)))
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrPasswordMismatch
	}
	return nil
}
