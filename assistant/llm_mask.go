package assistant

import (
	"regexp"
	"strings"
	"unicode"
)

// Tokens MaskText puts in place of personal data; the same words as the ingest pipeline's
// masker (pipeline.MaskPII), so that a prompt reads alike whichever masked it.
const (
	maskPhone = "[SĐT]"
	maskID    = "[CCCD]"
	maskEmail = "[EMAIL]"
	maskName  = "[TÊN]"
)

var (
	maskEmailRe = regexp.MustCompile(`[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}`)
	// A Vietnamese phone number: +84 or 84 or 0, then 9 digits, in groups separated by spaces,
	// dots or dashes; or 12/9 digits (citizen identity numbers) in a row.
	maskPhoneRe = regexp.MustCompile(`(?:\+?\b84|\b0)(?:[ .\-]?\d){9}\b|\(0\d{2,3}\)[ .]?\d{3,4}[ .]?\d{4}\b`)
	maskIDRe    = regexp.MustCompile(`\b\d{12}\b|\b\d{9}\b`)
	// A person's name introduced as one (2–5 capitalised words after "tôi là", "tên là", "họ tên",
	// "my name is" …). Honorifics alone (ông, bà) are not enough: they begin place names too
	// (Bà Rịa, Bà Chiểu).
	maskNameRe = regexp.MustCompile(`(?i:\b(?:tôi là|tên tôi là|tên là|họ tên|họ và tên|công dân|người gửi|my name is|i am)\s*:?\s+)((?:\p{Lu}[\p{L}]*\s*){2,5})`)
)

// MaskText is the assistant's own masker, used when LLMOptions.Mask is not set (and after the
// pipeline's masker in govpulse's own wiring): names a question introduces as a person's ("tôi là
// Nguyễn Văn A"), e-mail addresses, Vietnamese phone numbers and 9- or 12-digit identity numbers. Text stored by the
// pipeline is already masked (names and house numbers too); this catches what a user types into
// a question. Hotlines (1022, 1900 …) stay.
func MaskText(s string) string {
	s = maskNameRe.ReplaceAllStringFunc(s, func(m string) string {
		sub := maskNameRe.FindStringSubmatchIndex(m)
		trail := strings.TrimRightFunc(m[sub[2]:sub[3]], unicode.IsSpace)
		return m[:sub[2]] + maskName + m[sub[2]+len(trail):]
	})
	s = maskEmailRe.ReplaceAllString(s, maskEmail)
	s = maskPhoneRe.ReplaceAllString(s, maskPhone)
	return maskIDRe.ReplaceAllString(s, maskID)
}
