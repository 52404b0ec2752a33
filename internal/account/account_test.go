package account

import (
	"errors"
	"strings"
	"testing"
)

func TestCheckUsername(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"plain", "alice", nil},
		{"digits and underscore", "a_1", nil},
		{"mixed case", "Alice_B", nil},
		{"empty", "", ErrUsernameEmpty},
		{"too long", strings.Repeat("a", 31), ErrUsernameTooLong},
		{"longest", strings.Repeat("a", 30), nil},
		{"space", "al ice", ErrUsernameChars},
		{"dot", "al.ice", ErrUsernameChars},
		{"arabic", "علی", ErrUsernameChars},
		{"at sign", "@alice", ErrUsernameChars},
		{"reserved any case", "Admin", ErrUsernameReserved},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckUsername(tt.in); !errors.Is(got, tt.want) {
				t.Fatalf("CheckUsername(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestCheckPassword(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want error
	}{
		{"ok", "correct horse", nil},
		{"short", "1234567", ErrPasswordShort},
		{"persian counts runes", "گذرواژه\u200cام", nil},
		{"too long", strings.Repeat("x", MaxPassword+1), ErrPasswordLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CheckPassword(tt.in); !errors.Is(got, tt.want) {
				t.Fatalf("CheckPassword(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestHashAndVerify(t *testing.T) {
	h, err := HashPassword("رمز عبور خوب")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$") {
		t.Fatalf("hash %q is not argon2id", h)
	}
	if err := VerifyPassword(h, "رمز عبور خوب"); err != nil {
		t.Fatalf("right password: %v", err)
	}
	if err := VerifyPassword(h, "رمز عبور بد"); !errors.Is(err, ErrPasswordMismatch) {
		t.Fatalf("wrong password: got %v, want ErrPasswordMismatch", err)
	}
	h2, _ := HashPassword("رمز عبور خوب")
	if h == h2 {
		t.Fatal("two hashes of one password are equal: salt is not random")
	}
	if err := VerifyPassword("$bcrypt$junk", "x"); err == nil || errors.Is(err, ErrPasswordMismatch) {
		t.Fatalf("garbage hash: got %v, want a format error", err)
	}
}
