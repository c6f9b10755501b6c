package pipeline

import (
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Topic inference: keyword rules, written by us, that map a post or a petition to one code of the
// petition category tree (sql/migrations/0008_seed_catalogues.sql), so that posts and petitions
// about the same problem can be counted side by side. The rules are phrases of whole words; a text
// scores each topic by the words of the phrases it contains and the best-scoring topic wins.
//
// Matching is diacritic-aware in one direction: a word typed without diacritics ("ngap") matches
// the phrase word with or without them ("ngập"), while a word typed with diacritics must match
// exactly, so "ổn" (fine) never counts as "ồn" (noisy) and "phương" (direction) never as "phường".

// TopicRule is one topic of the taxonomy: its code (a petition category code), the code of its
// parent ("" at the top) and the phrases that signal it, in lower-case Vietnamese with diacritics
// (or plain ASCII words such as "karaoke").
type TopicRule struct {
	Code    string
	Parent  string
	Phrases []string
}

// topicRules is the taxonomy, most specific topics first: on a tie the earlier rule wins, so a
// leaf beats its parent. Phrases are chosen to be unambiguous in city posts; one-word phrases that
// are common outside the topic are avoided.
var topicRules = []TopicRule{
	{Code: "ngap_nuoc", Phrases: []string{"ngập", "ngập nước", "ngập lụt", "ngập sâu", "nước ngập", "triều cường", "lội nước", "mưa ngập", "úng ngập", "ngập úng", "thành sông", "biến thành sông", "flood", "flooding", "flooded"}},
	{Code: "thoat_nuoc", Parent: "ha_tang_do_thi", Phrases: []string{"thoát nước", "cống thoát nước", "nghẹt cống", "cống nghẹt", "tắc cống", "cống bị tắc", "nạo vét", "nước thải tràn", "kênh rạch"}},
	{Code: "ho_ga", Parent: "ha_tang_do_thi", Phrases: []string{"hố ga", "nắp cống", "nắp hố ga", "mất nắp cống", "miệng cống", "manhole"}},
	{Code: "chieu_sang", Parent: "ha_tang_do_thi", Phrases: []string{"đèn đường", "chiếu sáng", "đèn chiếu sáng", "đèn không sáng", "đèn đường hư", "tối om", "cột đèn", "bóng đèn", "street light", "streetlight"}},
	{Code: "cay_xanh", Parent: "ha_tang_do_thi", Phrases: []string{"cây xanh", "cây ngã", "ngã cây", "cây đổ", "gãy cành", "cắt tỉa cây", "đốn cây", "chặt cây", "cây gãy"}},
	{Code: "duong_sa", Parent: "ha_tang_do_thi", Phrases: []string{"ổ gà", "ổ voi", "sụt lún", "lún sụt", "mặt đường hư", "đường hư", "đường hư hỏng", "hư hỏng mặt đường", "bong tróc", "vỉa hè hư", "vỉa hè bể", "đường xuống cấp", "đào đường", "pothole"}},
	{Code: "ha_tang_do_thi", Phrases: []string{"hạ tầng", "hạ tầng đô thị", "cầu đường", "công trình công cộng", "cải tạo vỉa hè", "thi công cải tạo", "trải nhựa", "sửa đường", "nâng cấp đường", "mở rộng đường"}},
	{Code: "karaoke", Parent: "tieng_on", Phrases: []string{"karaoke", "loa kẹo kéo", "loa kéo", "hát karaoke", "mở loa", "loa thùng", "hát hò"}},
	{Code: "cong_trinh_xay_dung", Parent: "tieng_on", Phrases: []string{"thi công ban đêm", "thi công gây ồn", "thi công ồn", "máy khoan", "khoan cắt", "đóng cọc", "ép cọc"}},
	{Code: "tieng_on", Phrases: []string{"tiếng ồn", "ồn ào", "gây ồn", "ồn quá", "quá ồn", "inh ỏi", "noise", "noisy"}},
	{Code: "xe_buyt", Parent: "giao_thong", Phrases: []string{"xe buýt", "xe bus", "xe buyt", "tuyến buýt", "trạm xe buýt", "trạm dừng xe buýt", "nhà chờ", "bus"}},
	{Code: "un_tac", Parent: "giao_thong", Phrases: []string{"kẹt xe", "ùn tắc", "tắc đường", "kẹt cứng", "tắc nghẽn", "kẹt đường", "traffic jam", "congestion"}},
	{Code: "den_tin_hieu", Parent: "giao_thong", Phrases: []string{"đèn giao thông", "đèn tín hiệu", "đèn xanh đèn đỏ", "đèn đỏ", "traffic light", "traffic lights"}},
	{Code: "giao_thong", Phrases: []string{"giao thông", "tai nạn giao thông", "phân luồng", "cấm đường", "cấm xe", "cấm xe tải", "giờ cao điểm", "lái xe", "vượt đèn", "ngược chiều", "traffic"}},
	{Code: "lan_chiem_via_he", Parent: "trat_tu_do_thi", Phrases: []string{"lấn chiếm", "lấn chiếm vỉa hè", "chiếm dụng vỉa hè", "chiếm vỉa hè", "buôn bán trên vỉa hè", "bán hàng rong", "hàng rong", "đậu xe trên vỉa hè", "lòng lề đường", "sidewalk"}},
	{Code: "xay_dung_trai_phep", Parent: "trat_tu_do_thi", Phrases: []string{"xây dựng trái phép", "xây dựng không phép", "xây trái phép", "xây không phép", "cơi nới", "sai phép", "xây lấn", "lấn ra hẻm"}},
	{Code: "trat_tu_do_thi", Phrases: []string{"trật tự đô thị", "mỹ quan đô thị", "văn minh đô thị", "trật tự vỉa hè", "lập lại trật tự", "vỉa hè thông thoáng"}},
	{Code: "rac_thai", Parent: "moi_truong", Phrases: []string{"rác", "rác thải", "bãi rác", "đổ rác", "vứt rác", "xả rác", "thu gom rác", "đống rác", "garbage", "trash", "litter"}},
	{Code: "o_nhiem", Parent: "moi_truong", Phrases: []string{"ô nhiễm", "bốc mùi", "hôi thối", "mùi hôi", "khói bụi", "bụi mịn", "nước thải", "khí thải", "pollution"}},
	{Code: "moi_truong", Phrases: []string{"môi trường", "vệ sinh môi trường"}},
	{Code: "y_te", Phrases: []string{"bệnh viện", "y tế", "trạm y tế", "bác sĩ", "sốt xuất huyết", "dịch bệnh", "khám bệnh", "bảo hiểm y tế", "bhyt", "tiêm chủng", "tiêm phòng", "hospital"}},
	{Code: "giao_duc", Phrases: []string{"trường học", "học sinh", "giáo viên", "tuyển sinh", "học phí", "mầm non", "giáo dục", "nhà trường", "phụ huynh", "năm học", "school"}},
	{Code: "du_lich", Phrases: []string{"du lịch", "khách du lịch", "du khách", "lễ hội", "tour", "tourist"}},
	{Code: "an_ninh_trat_tu", Phrases: []string{"an ninh", "trộm", "cướp", "giật đồ", "cướp giật", "đánh nhau", "ma túy", "ma tuý", "lừa đảo", "trộm cắp", "côn đồ", "gây rối", "đua xe", "công an", "tuần tra"}},
	{Code: "hanh_chinh_cong", Phrases: []string{"hồ sơ", "thủ tục", "thủ tục hành chính", "dịch vụ công", "một cửa", "khai sinh", "giấy khai sinh", "chứng thực", "công chứng", "căn cước", "cccd", "thường trú", "tạm trú", "hộ khẩu", "sổ đỏ", "sổ hồng", "giấy phép", "cấp phép", "vneid", "tiếp dân", "cán bộ phường", "hành chính", "giấy tờ", "nộp hồ sơ", "nộp trực tuyến", "giấy chứng nhận", "quyền sử dụng đất"}},
}

// openTopics are categories that say nothing about the subject (other, letters to the leaders):
// a petition filed under them takes whatever topic its text shows.
var openTopics = map[string]bool{"khac": true, "gui_lanh_dao_thanh_pho": true}

// TopicRules returns the taxonomy (a copy), most specific topics first.
func TopicRules() []TopicRule {
	out := make([]TopicRule, len(topicRules))
	for i, r := range topicRules {
		out[i] = TopicRule{Code: r.Code, Parent: r.Parent, Phrases: append([]string(nil), r.Phrases...)}
	}
	return out
}

// topicPhrase is one compiled phrase: its words with diacritics and folded.
type topicPhrase struct {
	rule   int
	words  []string // lower case, NFC, diacritics kept
	folded []string
}

type topicIndex struct {
	byFirst map[string][]topicPhrase // folded first word → phrases starting with it
	parents map[string]string
}

var defaultTopicIndex = sync.OnceValue(func() *topicIndex {
	ix := &topicIndex{byFirst: map[string][]topicPhrase{}, parents: map[string]string{}}
	for i, r := range topicRules {
		ix.parents[r.Code] = r.Parent
		for _, p := range r.Phrases {
			words := strings.Fields(canonTones(NormalizeText(p))) // NormalizeText: NFC
			tp := topicPhrase{rule: i, words: words, folded: make([]string, len(words))}
			for j, w := range words {
				tp.folded[j] = Fold(w)
			}
			ix.byFirst[tp.folded[0]] = append(ix.byFirst[tp.folded[0]], tp)
		}
	}
	return ix
})

// InferTopic returns the topic code the text is most about, or "" when no rule matches. Safe for
// concurrent use.
func InferTopic(text string) string {
	ws := scanWords(toNFC(text))
	return inferTopicWords(&ws)
}

func inferTopicWords(ws *wordScan) string {
	ix := defaultTopicIndex()
	var scores [64]int // one per rule; the taxonomy is far smaller
	best, bestScore := -1, 0
	for i := range ws.words {
		for _, p := range ix.byFirst[ws.folded(i)] {
			if !ws.matchPhrase(i, p.words, p.folded) {
				continue
			}
			if p.rule >= len(scores) {
				continue
			}
			// A phrase of n words weighs n: "thoát nước" outweighs a lone "ngập".
			scores[p.rule] += len(p.words)
			s := scores[p.rule]
			if s > bestScore || (s == bestScore && p.rule < best) {
				best, bestScore = p.rule, s
			}
		}
	}
	if best < 0 {
		return ""
	}
	return topicRules[best].Code
}

// within reports whether topic is code or one of its descendants in the taxonomy or in cats.
func topicWithin(topic, code string, parents map[string]string) bool {
	for range 8 { // the tree is shallow; the bound stops a cycle in configured data
		if topic == code {
			return true
		}
		p, ok := parents[topic]
		if !ok || p == "" {
			return false
		}
		topic = p
	}
	return false
}

// wordScan is a text cut into words (runs of letters and digits) with two views of each: lower
// case with diacritics (NFC, tones placed canonically) and folded (no diacritics). Offsets point
// into the original text so that callers can replace a matched span.
type wordScan struct {
	lower    string // the text lower-cased, NFC, canonical tones, same word order
	fold     string // lower folded
	words    []wordSpan
	accented bool // the text contains a letter with diacritics
}

type wordSpan struct {
	lo, hi   int32 // in lower
	flo, fhi int32 // in fold
	start    int32 // byte offsets in the original text
	end      int32
}

func (ws *wordScan) lowerWord(i int) string { w := ws.words[i]; return ws.lower[w.lo:w.hi] }
func (ws *wordScan) folded(i int) string    { w := ws.words[i]; return ws.fold[w.flo:w.fhi] }

// wordHasMarks reports whether word i carries diacritics.
func (ws *wordScan) wordHasMarks(i int) bool {
	w := ws.words[i]
	return w.hi-w.lo != w.fhi-w.flo || ws.lower[w.lo:w.hi] != ws.fold[w.flo:w.fhi]
}

// wordMatches applies the one-way diacritic rule to word i against a phrase word.
func (ws *wordScan) wordMatches(i int, word, folded string) bool {
	if ws.folded(i) != folded {
		return false
	}
	return !ws.wordHasMarks(i) || ws.lowerWord(i) == word
}

// matchPhrase reports whether the phrase starts at word i.
func (ws *wordScan) matchPhrase(i int, words, folded []string) bool {
	if i+len(words) > len(ws.words) {
		return false
	}
	for j := range words {
		if !ws.wordMatches(i+j, words[j], folded[j]) {
			return false
		}
	}
	return true
}

// toNFC returns s in NFC (s itself when it already is).
func toNFC(s string) string {
	if textIsASCII(s) || norm.NFC.IsNormalString(s) {
		return s
	}
	return norm.NFC.String(s)
}

// scanWords cuts s into words. s must be NFC (the pipeline normalises text first; exported entry
// points call toNFC): offsets point into s.
func scanWords(s string) wordScan {
	lower := make([]byte, 0, len(s))
	fold := make([]byte, 0, len(s))
	ws := wordScan{words: make([]wordSpan, 0, len(s)/5+1)}
	inWord := false
	var cur wordSpan
	var prev rune // previous rune of the current word, lower case, for tone placement
	for i, r := range s {
		if !isWordRune(r) {
			if inWord {
				inWord = false
				cur.hi, cur.fhi, cur.end = int32(len(lower)), int32(len(fold)), int32(i)
				ws.words = append(ws.words, cur)
			}
			continue
		}
		if !inWord {
			inWord = true
			prev = 0
			cur = wordSpan{lo: int32(len(lower)), flo: int32(len(fold)), start: int32(i)}
		}
		lr := unicode.ToLower(r)
		if lr < utf8.RuneSelf {
			lower = append(lower, byte(lr))
			fold = append(fold, byte(lr))
			prev = lr
			continue
		}
		ws.accented = true
		if unicode.Is(unicode.Mn, lr) {
			lower = utf8.AppendRune(lower, lr) // a stray combining mark folds to nothing
			continue
		}
		if base, moved, ok := moveTone(prev, lr); ok {
			lower = lower[:len(lower)-utf8.RuneLen(prev)]
			lower = append(lower, byte(base))
			lr = moved
		}
		lower = utf8.AppendRune(lower, lr)
		fold = utf8.AppendRune(fold, foldRune(lr))
		prev = lr
	}
	if inWord {
		cur.hi, cur.fhi, cur.end = int32(len(lower)), int32(len(fold)), int32(len(s))
		ws.words = append(ws.words, cur)
	}
	ws.lower = string(lower)
	ws.fold = string(fold)
	return ws
}

// Vietnamese is written with two tone placements in "oa", "oe" and "uy": "hòa" (old) and "hoà"
// (new). Names must compare equal whichever keyboard typed them, so the old placement is moved to
// the second vowel. toneRows lists each vowel with its five tones: grave, acute, hook, tilde, dot.
var toneRows = map[rune][5]rune{
	'o': {'ò', 'ó', 'ỏ', 'õ', 'ọ'},
	'u': {'ù', 'ú', 'ủ', 'ũ', 'ụ'},
	'a': {'à', 'á', 'ả', 'ã', 'ạ'},
	'e': {'è', 'é', 'ẻ', 'ẽ', 'ẹ'},
	'y': {'ỳ', 'ý', 'ỷ', 'ỹ', 'ỵ'},
}

// toneOf maps a toned o or u to its base vowel and tone index.
var toneOf = func() map[rune][2]int32 {
	m := map[rune][2]int32{}
	for _, base := range []rune{'o', 'u'} {
		for t, r := range toneRows[base] {
			m[r] = [2]int32{base, int32(t)}
		}
	}
	return m
}()

// moveTone: when prev is a toned o (u) and r a plain a or e (y), it returns the plain first vowel
// and the second vowel carrying the tone.
func moveTone(prev, r rune) (base, moved rune, ok bool) {
	if r != 'a' && r != 'e' && r != 'y' {
		return 0, 0, false
	}
	bt, found := toneOf[prev]
	if !found {
		return 0, 0, false
	}
	base = bt[0]
	if (base == 'o' && r == 'y') || (base == 'u' && r != 'y') {
		return 0, 0, false
	}
	return base, toneRows[r][bt[1]], true
}

// canonTones lower-cases nothing and moves old-style tone marks (see moveTone) in s.
func canonTones(s string) string {
	if textIsASCII(s) {
		return s
	}
	out := make([]rune, 0, len(s))
	var prev rune
	changed := false
	for _, r := range s {
		if base, moved, ok := moveTone(prev, r); ok {
			out[len(out)-1] = base
			r = moved
			changed = true
		}
		out = append(out, r)
		prev = r
	}
	if !changed {
		return s
	}
	return string(out)
}
