package dashboard

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// The message catalogue: every user-facing text of the dashboard, Vietnamese first and English
// second, in messages/vi.json and messages/en.json (flat objects key → text; fmt verbs for
// arguments). A test checks that both files hold the same keys and that every key a template or
// handler uses exists.

//go:embed messages/*.json
var messageFiles embed.FS

// Languages the UI speaks, the default first.
var languages = []string{"vi", "en"}

// langCookie remembers the chosen language.
const langCookie = "govpulse_lang"

// catalogue maps language → key → text.
var catalogue = mustLoadCatalogue()

func mustLoadCatalogue() map[string]map[string]string {
	cat := map[string]map[string]string{}
	for _, lang := range languages {
		b, err := messageFiles.ReadFile("messages/" + lang + ".json")
		if err != nil {
			panic(fmt.Sprintf("dashboard: message catalogue %s: %v", lang, err))
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			panic(fmt.Sprintf("dashboard: message catalogue %s: %v", lang, err))
		}
		cat[lang] = m
	}
	return cat
}

// Translator renders catalogue texts in one language. The zero value speaks Vietnamese.
type Translator struct{ Lang string }

// T is the text of key, formatted with args. A missing key shows as "[key]", so a gap is seen in
// the page and caught by the catalogue test, never silently empty.
func (tr Translator) T(key string, args ...any) string {
	lang := tr.Lang
	if _, ok := catalogue[lang]; !ok {
		lang = languages[0]
	}
	msg, ok := catalogue[lang][key]
	if !ok {
		return "[" + key + "]"
	}
	if len(args) > 0 {
		return fmt.Sprintf(msg, args...)
	}
	return msg
}

// Pick returns vi or en according to the language, for texts that come with the data in both
// languages (indicator names, explanations, alert titles).
func (tr Translator) Pick(vi, en string) string {
	if tr.Lang == "en" && en != "" {
		return en
	}
	return vi
}

// Number writes n with the language's thousands separator (vi: 12.345; en: 12,345).
func (tr Translator) Number(n float64, decimals int) string {
	s := fmt.Sprintf("%.*f", decimals, n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, _ := strings.Cut(s, ".")
	thousands, point := ",", "."
	if tr.Lang != "en" {
		thousands, point = ".", ","
	}
	var b strings.Builder
	for i, r := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteString(thousands)
		}
		b.WriteRune(r)
	}
	out := b.String()
	if frac != "" {
		out += point + frac
	}
	if neg {
		out = "-" + out
	}
	return out
}

// Date writes a local date as the language writes it (vi: 02/01/2006; en: 2006-01-02).
func (tr Translator) Date(t time.Time) string {
	if tr.Lang == "en" {
		return t.Format(time.DateOnly)
	}
	return t.Format("02/01/2006")
}

// langOf picks the request's language: ?lang= (remembered in a cookie for a year), else the
// cookie, else Vietnamese.
func langOf(c *gin.Context) string {
	if l := c.Query("lang"); known(l) {
		http.SetCookie(c.Writer, &http.Cookie{Name: langCookie, Value: l, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: c.Request.TLS != nil})
		return l
	}
	if ck, err := c.Cookie(langCookie); err == nil && known(ck) {
		return ck
	}
	return languages[0]
}

func known(lang string) bool {
	for _, l := range languages {
		if l == lang {
			return true
		}
	}
	return false
}
