package sms

import (
	"errors"
	"strings"
)

// ErrBadNumber is returned by NormalizeNumber for something that is not a
// phone number in international form.
var ErrBadNumber = errors.New("not a phone number in international form, such as +989121234567")

// NormalizeNumber returns number in E.164 form: '+' and 8 to 15 digits. It
// accepts what people type and gateways pass on: spaces, dashes, dots and
// brackets, a leading "00" for '+', Arabic-Indic and Persian digits, and
// digits without '+' (gateways, Kannel's %p included, usually drop it; the
// SMSC should be set to pass international numbers, with Kannel's
// unified-prefix if needed).
func NormalizeNumber(number string) (string, error) {
	var b strings.Builder
	plus := false
	for _, r := range number {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '٠' && r <= '٩': // Arabic-Indic
			b.WriteRune('0' + r - '٠')
		case r >= '۰' && r <= '۹': // Persian
			b.WriteRune('0' + r - '۰')
		case r == '+' && b.Len() == 0 && !plus:
			plus = true
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '\u00a0':
		default:
			return "", ErrBadNumber
		}
	}
	d := b.String()
	if !plus {
		d = strings.TrimPrefix(d, "00")
	}
	if len(d) < 8 || len(d) > 15 || d[0] == '0' {
		return "", ErrBadNumber
	}
	return "+" + d, nil
}

// asciiDigits turns Arabic-Indic and Persian digits into ASCII ones, so that
// a code typed on an Arabic or Persian keyboard matches.
func asciiDigits(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '٠' && r <= '٩':
			return '0' + r - '٠'
		case r >= '۰' && r <= '۹':
			return '0' + r - '۰'
		}
		return r
	}, s)
}
