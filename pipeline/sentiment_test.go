package pipeline

import (
	"bufio"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

func TestSentimentLexiconParses(t *testing.T) {
	lx, err := parseSentLexicon(sentLexiconText)
	if err != nil {
		t.Fatal(err)
	}
	if lx.size < 500 {
		t.Errorf("lexicon has %d phrases, want a few hundred at least", lx.size)
	}
	for _, bad := range []string{
		"tốt",             // no weight
		"tốt\tabc",        // not a number
		"tốt\t4",          // out of range
		"tốt\t1\ntốt\t-1", // repeated
		"tốt\t1\nTỐT\t1",  // repeated after normalisation
		" \t1",            // empty phrase
		"a , b\t1",        // punctuation inside
		"rất\t1",          // clashes with a modifier
	} {
		if _, err := parseSentLexicon(bad); err == nil {
			t.Errorf("parseSentLexicon(%q) = nil error, want one", bad)
		}
	}
}

func TestScoreSentimentRules(t *testing.T) {
	type want int // -1 negative, 0 neutral, +1 positive
	tests := []struct {
		name string
		text string
		want want
	}{
		{"empty", "", 0},
		{"only spaces", " \t\n ", 0},
		{"announcement", "UBND phường thông báo lịch tiếp công dân tháng 11.", 0},
		{"positive word", "Cán bộ phường rất tận tình", 1},
		{"negative word", "Đường ngập sâu sau mưa", -1},
		{"negation flips positive", "Không hài lòng với cách làm việc", -1},
		{"negation chẳng", "Chẳng ai xử lý cả", -1},
		{"negation chưa", "Phản ánh một tháng chưa được giải quyết", -1},
		{"negated problem is good", "Mưa to mà đường không còn ngập nữa", 1},
		{"no longer flooding", "Hẻm nhà mình hết ngập rồi", 1},
		{"litotes", "không tệ", 1},
		{"negation at clause end is a question", "Dịch vụ công có nhanh không?", 0},
		{"inability", "Web không vào được từ sáng", -1},
		{"contrast weights the clause after", "Nhân viên dễ thương nhưng thủ tục quá rườm rà", -1},
		{"contrast the other way", "Tuy hơi chậm nhưng cán bộ rất tận tình", 1},
		{"request is not praise", "Đề nghị cơ quan chức năng sớm xử lý dứt điểm tình trạng ngập", -1},
		{"question is not praise", "Cho hỏi làm căn cước ở đâu nhanh?", 0},
		{"no diacritics negative", "duong ngap qua, bao gio moi het ngap", -1},
		{"no diacritics positive", "can bo nhiet tinh, ho so xong truoc han", 1},
		{"no diacritics negation", "khong hai long voi phuong", -1},
		{"folded ambiguity stays neutral", "cho nay on", 0},
		{"teencode negator", "nv ko nhiet tinh j het", -1},
		{"teencode k", "k hài lòng", -1},
		{"teencode thanks", "tks phường nha", 1},
		{"teencode ok lém", "app oki lém", 1},
		{"teencode consonants", "zui wá", 1},
		{"emoji negative", "mất điện nữa rồi 😡", -1},
		{"emoji positive", "đèn đường sửa xong rồi 👍", 1},
		{"emoji alone", "😭😭", -1},
		{"emoticon", "xong hồ sơ rồi :)", 1},
		{"emoticon sad", "lại kẹt :((", -1},
		{"UIT token", "thầy dạy hay colonsmile", 1},
		{"stretched letters", "chậmmmm", -1},
		{"URL and mention ignored", "@Nguyen xem https://tot.vn/tuyet-voi", 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := ScoreSentiment(tc.text)
			var g want
			switch got.Label {
			case SentimentNegative:
				g = -1
			case SentimentPositive:
				g = 1
			case SentimentNeutral:
				g = 0
			default:
				t.Fatalf("label %q", got.Label)
			}
			if g != tc.want {
				t.Errorf("ScoreSentiment(%q) = %+v, want %s", tc.text, got, map[want]string{-1: "negative", 0: "neutral", 1: "positive"}[tc.want])
			}
		})
	}
}

func TestScoreSentimentEmptyIsZero(t *testing.T) {
	for _, s := range []string{"", "   ", "...", "1022", "https://example.vn"} {
		if got := ScoreSentiment(s); got != (Sentiment{Label: SentimentNeutral}) {
			t.Errorf("ScoreSentiment(%q) = %+v, want neutral 0", s, got)
		}
	}
}

// TestScoreSentimentModifiers checks the direction of each rule on scores, not only labels.
func TestScoreSentimentModifiers(t *testing.T) {
	tests := []struct {
		name           string
		weaker, strong string // |score(strong)| > |score(weaker)|, same sign
	}{
		{"intensifier rất", "Cán bộ nhiệt tình", "Cán bộ rất nhiệt tình"},
		{"intensifier quá after", "Đường ngập", "Đường ngập quá"},
		{"intensifier cực kỳ", "thủ tục rườm rà", "thủ tục cực kỳ rườm rà"},
		{"intensifier without diacritics", "thu tuc cham", "thu tuc cham qua"},
		{"teencode intensifier", "chậm", "chậm wá"},
		{"diminisher hơi", "hơi chậm", "chậm"},
		{"diminisher khá", "khá tốt", "tốt"},
		{"exclamation", "Quá tệ", "Quá tệ!!!"},
		{"stretched", "tệ quá", "tệ quáaaa"},
		{"negated intensifier softens", "không tốt lắm", "không tốt"},
		{"repeated emoji", "😡", "😡😡😡"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w, s := ScoreSentiment(tc.weaker).Score, ScoreSentiment(tc.strong).Score
			if w == 0 || s == 0 || math.Signbit(w) != math.Signbit(s) || math.Abs(s) <= math.Abs(w) {
				t.Errorf("score(%q) = %.3f, score(%q) = %.3f: want the second stronger, same sign", tc.weaker, w, tc.strong, s)
			}
		})
	}
}

func TestScoreSentimentDiacriticsAgree(t *testing.T) {
	for _, s := range []string{
		"Cán bộ hướng dẫn tận tình, hồ sơ xong trước hạn",
		"Đường ngập sâu, kẹt xe kinh khủng",
		"Không hài lòng, chờ quá lâu",
		"Thủ tục nhanh gọn, cán bộ vui vẻ",
	} {
		a, b := ScoreSentiment(s), ScoreSentiment(Fold(s))
		if a.Label != b.Label || math.Abs(a.Score-b.Score) > 0.15 {
			t.Errorf("with diacritics %+v, without %+v (%q)", a, b, s)
		}
	}
}

func TestSentimentOptions(t *testing.T) {
	text := "hơi chậm"
	def := NewSentimentScorer(SentimentOptions{}).Score(text)
	if def.Label != SentimentNegative {
		t.Fatalf("default %+v, want negative", def)
	}
	wide := NewSentimentScorer(SentimentOptions{NegativeThreshold: 0.99, PositiveThreshold: 0.99}).Score(text)
	if wide.Label != SentimentNeutral || wide.Score != def.Score {
		t.Errorf("wide thresholds %+v, want neutral with the same score %v", wide, def.Score)
	}
	soft := NewSentimentScorer(SentimentOptions{Alpha: 100}).Score(text)
	if math.Abs(soft.Score) >= math.Abs(def.Score) {
		t.Errorf("Alpha 100 gave %v, want a smaller magnitude than %v", soft.Score, def.Score)
	}
}

func TestScoreSentimentConcurrent(t *testing.T) {
	posts := readLabelled(t, filepath.Join("testdata", "sentiment", "city_posts.tsv"))
	want := make([]Sentiment, len(posts))
	for i, p := range posts {
		want[i] = ScoreSentiment(p.text)
	}
	var wg sync.WaitGroup
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, p := range posts {
				if got := ScoreSentiment(p.text); got != want[i] {
					t.Errorf("concurrent ScoreSentiment(%q) = %+v, want %+v", p.text, got, want[i])
					return
				}
			}
		}()
	}
	wg.Wait()
}

// sentExample is one labelled evaluation example.
type sentExample struct {
	label, text string
}

// readLabelled reads a label<TAB>text file; lines starting with "#" are comments.
func readLabelled(tb testing.TB, path string) []sentExample {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { f.Close() })
	var out []sentExample
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		label, text, ok := strings.Cut(line, "\t")
		if !ok || !validSentimentLabel(label) || strings.TrimSpace(text) == "" {
			tb.Fatalf("%s:%d: want label<TAB>text, got %q", path, n, line)
		}
		out = append(out, sentExample{label, text})
	}
	if err := sc.Err(); err != nil {
		tb.Fatal(err)
	}
	return out
}

func validSentimentLabel(l string) bool {
	return l == SentimentNegative || l == SentimentNeutral || l == SentimentPositive
}

var sentLabels = []string{SentimentNegative, SentimentNeutral, SentimentPositive}

// sentEval is a confusion matrix over the three labels: m[gold][predicted].
type sentEval struct {
	m [3][3]int
	n int
}

func sentLabelIndex(l string) int {
	for i, x := range sentLabels {
		if x == l {
			return i
		}
	}
	return -1
}

func (e *sentEval) add(gold, pred string) {
	e.m[sentLabelIndex(gold)][sentLabelIndex(pred)]++
	e.n++
}

func (e *sentEval) accuracy() float64 {
	c := 0
	for i := range 3 {
		c += e.m[i][i]
	}
	return float64(c) / float64(e.n)
}

// macroF1 averages the F1 of the three classes (a class never predicted nor present scores 0).
func (e *sentEval) macroF1() float64 {
	sum := 0.0
	for k := range 3 {
		tp, fp, fn := e.m[k][k], 0, 0
		for j := range 3 {
			if j != k {
				fp += e.m[j][k]
				fn += e.m[k][j]
			}
		}
		if tp > 0 {
			p := float64(tp) / float64(tp+fp)
			r := float64(tp) / float64(tp+fn)
			sum += 2 * p * r / (p + r)
		}
	}
	return sum / 3
}

func (e *sentEval) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "n=%d accuracy=%.3f macro-F1=%.3f\n%-14s %9s %9s %9s\n", e.n, e.accuracy(), e.macroF1(), "gold \\ pred", "negative", "neutral", "positive")
	for i, l := range sentLabels {
		fmt.Fprintf(&b, "%-14s %9d %9d %9d\n", l, e.m[i][0], e.m[i][1], e.m[i][2])
	}
	return b.String()
}

func evalSentiment(tb testing.TB, posts []sentExample, logMisses bool) *sentEval {
	tb.Helper()
	var e sentEval
	for _, p := range posts {
		got := ScoreSentiment(p.text)
		e.add(p.label, got.Label)
		if logMisses && got.Label != p.label {
			tb.Logf("miss: gold %-8s got %-8s %+.3f  %s", p.label, got.Label, got.Score, p.text)
		}
	}
	return &e
}

// The floors sit a little under what the scorer measured when they were set: on
// city_posts.tsv (the set the lexicon and rules were developed against) accuracy 0.968 and
// macro-F1 0.969; on city_posts_holdout.tsv (evaluated once, after development stopped) 0.910 and
// 0.913. Raise them when the scorer improves; never lower them to make a change pass, and do not
// tune against the held-out file.
func TestSentimentCityPosts(t *testing.T) {
	tests := []struct {
		file        string
		minAccuracy float64
		minMacroF1  float64
	}{
		{"city_posts.tsv", 0.93, 0.93},
		{"city_posts_holdout.tsv", 0.87, 0.87},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			posts := readLabelled(t, filepath.Join("testdata", "sentiment", tc.file))
			e := evalSentiment(t, posts, testing.Verbose())
			t.Logf("%s: %v", tc.file, e)
			if e.accuracy() < tc.minAccuracy || e.macroF1() < tc.minMacroF1 {
				t.Errorf("accuracy %.3f, macro-F1 %.3f: want at least %.2f and %.2f", e.accuracy(), e.macroF1(), tc.minAccuracy, tc.minMacroF1)
			}
		})
	}
}

// TestSentimentUITVSFC evaluates on the UIT-VSFC dev split (student feedback on courses, a
// different domain, licence unclear) when ../shared/data is beside the repository. The corpus is
// read in place, never copied, and was not used to build the lexicon. Measured when the floor
// was set: accuracy 0.641, macro-F1 0.538 (many negative suggestions read as neutral).
func TestSentimentUITVSFC(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "data", "uit-vsfc", "dev")
	sents, err := readUITLines(filepath.Join(dir, "sents.txt"))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("UIT-VSFC not found at %s", dir)
	}
	if err != nil {
		t.Fatal(err)
	}
	gold, err := readUITLines(filepath.Join(dir, "sentiments.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(sents) != len(gold) || len(sents) == 0 {
		t.Fatalf("%d sentences, %d labels", len(sents), len(gold))
	}
	var e sentEval
	for i, s := range sents {
		var label string
		switch strings.TrimSpace(gold[i]) {
		case "0":
			label = SentimentNegative
		case "1":
			label = SentimentNeutral
		case "2":
			label = SentimentPositive
		default:
			t.Fatalf("sentiments.txt:%d: label %q", i+1, gold[i])
		}
		e.add(label, ScoreSentiment(s).Label)
	}
	t.Logf("UIT-VSFC dev: %v", &e)
	if e.accuracy() < 0.60 || e.macroF1() < 0.50 {
		t.Errorf("accuracy %.3f, macro-F1 %.3f: want at least 0.60 and 0.50", e.accuracy(), e.macroF1())
	}
}

func readUITLines(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return strings.Split(strings.TrimRight(string(b), "\n"), "\n"), nil
}

func FuzzScoreSentiment(f *testing.F) {
	for _, s := range []string{
		"", "Đường ngập quá 😡", "khong hai long", "tuy chậm nhưng tận tình!!!", ":((", "quáaaaa",
		"k k k", "không", "nhưng", "@x https://y #ngập", "\xff\xfe", "a\u0301", "👍🏽❤️‍🔥",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := ScoreSentiment(s)
		if math.IsNaN(got.Score) || got.Score < -1 || got.Score > 1 {
			t.Fatalf("ScoreSentiment(%q).Score = %v, want within [-1, 1]", s, got.Score)
		}
		if !validSentimentLabel(got.Label) {
			t.Fatalf("ScoreSentiment(%q).Label = %q", s, got.Label)
		}
		if got.Score == 0 && got.Label != SentimentNeutral {
			t.Fatalf("ScoreSentiment(%q) = %+v: a zero score must be neutral", s, got)
		}
		for _, tok := range TokenizeText(s) {
			if tok.Text == "" || !utf8.ValidString(tok.Text) {
				t.Fatalf("TokenizeText(%q) has token %q", s, tok.Text)
			}
		}
	})
}

func BenchmarkScoreSentiment(b *testing.B) {
	posts := readLabelled(b, filepath.Join("testdata", "sentiment", "city_posts.tsv"))
	ScoreSentiment("") // build the index outside the timer
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		ScoreSentiment(posts[n%len(posts)].text)
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "posts/s")
}
