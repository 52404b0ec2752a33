package sms

import (
	"strings"
	"unicode/utf16"
)

// Coding is how a text travels over the air: the GSM 7-bit default
// alphabet when every character is in it, UCS-2 otherwise. Kannel's
// sendsms takes it as its coding parameter.
type Coding int

// The two codings sada sends.
const (
	GSM7 Coding = 0 // 160 characters in one SMS, 153 per part when concatenated
	UCS2 Coding = 2 // 70 UTF-16 units in one SMS, 67 per part when concatenated
)

// gsmBasic is the GSM 03.38 default alphabet (without the escape code),
// and gsmExtension the characters reached through the escape, each costing
// two septets.
const (
	gsmBasic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?" +
		"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
	gsmExtension = "\f^{}\\[~]|€"
)

// Encode says which coding text needs and how long it is in that coding's
// units: septets for GSM7, UTF-16 code units for UCS2.
func Encode(text string) (Coding, int) {
	septets := 0
	for _, r := range text {
		switch {
		case strings.ContainsRune(gsmBasic, r):
			septets++
		case strings.ContainsRune(gsmExtension, r):
			septets += 2
		default:
			return UCS2, len(utf16.Encode([]rune(text)))
		}
	}
	return GSM7, septets
}

// Parts is how many SMS text takes (concatenated when more than one):
// what the person pays for, and what the rate limit and the daily cap count.
func Parts(text string) int {
	c, n := Encode(text)
	single, part := 160, 153
	if c == UCS2 {
		single, part = 70, 67
	}
	if n <= single {
		return 1
	}
	return (n + part - 1) / part
}

// Truncate shortens text to fit in maxParts SMS, marking the cut with an
// ellipsis that keeps the coding (three dots in GSM 7-bit, one character in
// UCS-2), so that Kannel never has to cut it silently.
func Truncate(text string, maxParts int) string {
	if maxParts < 1 || Parts(text) <= maxParts {
		return text
	}
	c, _ := Encode(text)
	mark := "…"
	if c == GSM7 {
		mark = "..."
	}
	runes := []rune(text)
	// No part holds more than 160 characters, which bounds the search.
	n := min(len(runes), maxParts*160)
	for ; n > 0; n-- {
		if cut := strings.TrimRight(string(runes[:n]), " \n") + mark; Parts(cut) <= maxParts {
			return cut
		}
	}
	return mark
}
