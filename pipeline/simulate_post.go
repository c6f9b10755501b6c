package pipeline

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/govpulse/govpulse/models"
)

// Simulated social-media posts: Vietnamese texts from templates, half of them naming a ward,
// some without diacritics, in teencode or with emoji; engagement heavy-tailed and growing over
// the first hours. No sentiment is sent: the pipeline scores it. The polarity a post was written
// with stays inside the simulator (tests compare the scorer with it).

type simPost struct {
	row      models.Post // final engagement
	author   string
	polarity int8   // -1 negative, 0 neutral, 1 positive: how the text was written
	ward     string // the ward the text names, "" when none
	topic    string // the topic the text is about (row.Topic is only set when tagged)
}

// snapshot is the post as a listening tool would send it at t: engagement grows towards its
// final value with a time constant of 8 hours. Version is t.
func (l *simPost) snapshot(t time.Time) models.Post {
	p := l.row
	g := 0.0
	if age := t.Sub(p.PublishedAt); age > 0 {
		g = 1 - math.Exp(-age.Hours()/8)
	}
	p.Likes = uint32(float64(p.Likes) * g)
	p.Shares = uint32(float64(p.Shares) * g)
	p.Comments = uint32(float64(p.Comments) * g)
	p.Version = uint64(t.UnixMilli())
	return p
}

// simPostSettle is how long after publication a post's engagement is taken as final: the
// history emits each post as of min(Now, PublishedAt + simPostSettle).
const simPostSettle = 72 * time.Hour

var (
	simPostPlatformCum = simCum([]float64{55, 8, 12, 8, 12, 5})
	simPlatforms       = [...]models.Platform{models.PlatformFacebook, models.PlatformZalo, models.PlatformTikTok,
		models.PlatformYouTube, models.PlatformNews, models.PlatformForum}
	simPostReach = [...]float64{1, 0.5, 4, 1.5, 0.6, 0.3}
	simFBGroups  = []string{"hoidanthanhpho", "cudanthanhpho", "reviewthanhpho", "tintucdiaphuong", "anninhkhupho", "giaothongmoingay"}
)

// postsOn generates the posts published on d, planted bursts included, sorted by publication.
func (w *simWorld) postsOn(d simDay) []simPost {
	r := w.rng(simStreamPosts, d)
	mix := simPostMixOn(d)
	n := simPoisson(r, w.postBase*simPostDayWeight(d))
	lives := make([]simPost, 0, n+n/8)
	for range n {
		ti := simPick(r, mix.topicCum[:])
		t := simTopics[ti]
		pol := int8(0)
		switch x := r.Float64(); {
		case x < mix.neg[ti]:
			pol = -1
		case x < mix.neg[ti]+mix.pos[ti]:
			pol = 1
		}
		wi := -1
		if r.Float64() < simPostWardMention {
			cum := w.wardCum
			if t.code == "ngap_nuoc" {
				cum = w.wardFlood
			}
			wi = simPick(r, cum)
		}
		lives = append(lives, w.post(r, d, t.code, pol, wi))
	}
	for _, ii := range w.byDay[d] {
		inc := &w.incidents[ii]
		switch inc.Kind {
		case IncidentNegativePosts:
			wi := w.wardIndex[inc.WardCode]
			for range simPlanted(r, (inc.Magnitude-1)*w.negativePostRate(d, wi)) {
				lives = append(lives, w.post(r, d, inc.Topic, -1, wi))
			}
		case IncidentFloodStorm:
			for wi := range w.wards {
				if w.wards[wi].lowLying {
					for range simPlanted(r, (inc.Magnitude-1)*w.negativePostRate(d, wi)*0.3) {
						lives = append(lives, w.post(r, d, inc.Topic, -1, wi))
					}
				}
			}
		}
	}
	lives = simSortByTime(lives, func(l *simPost) time.Time { return l.row.PublishedAt })
	var seq [len(simPlatforms)]int
	for i := range lives {
		l := &lives[i]
		pi := slices.Index(simPlatforms[:], models.Platform(l.row.Platform))
		seq[pi]++
		l.row.ID, l.row.URL = simPostID(pi, d, seq[pi], l.author)
	}
	return lives
}

// simPostMix is the topic mix of posts on a day and, per topic, the shares of negative and
// positive posts.
type simPostMix struct {
	topicCum [len(simTopics)]float64
	neg, pos [len(simTopics)]float64
}

func simPostMixOn(d simDay) simPostMix {
	var m simPostMix
	tetOff, nearTet := simTetOffset(d)
	nearTet = nearTet && tetOff >= -10 && tetOff <= 10
	var s float64
	for i, t := range simTopics {
		x := t.weight
		switch t.code {
		case "ngap_nuoc":
			x *= 0.3 + 2.2*simRainy(d)
		case "giao_duc":
			x *= simSchoolSeason(d)
		case "du_lich":
			x *= simIf(nearTet, 2, 1)
		}
		s += x
		m.topicCum[i] = s
		m.neg[i] = simPostNegative + t.negBias
		if t.code == "ngap_nuoc" {
			m.neg[i] += 0.15 * simRainy(d)
		}
		m.pos[i] = simPostPositive - t.negBias/2
		if nearTet {
			m.neg[i], m.pos[i] = m.neg[i]-0.1, m.pos[i]+0.15
		}
	}
	return m
}

// post generates one post about topic with polarity pol naming ward wi (-1: no ward) on d.
func (w *simWorld) post(r *rand.Rand, d simDay, topic string, pol int8, wi int) simPost {
	pi := simPick(r, simPostPlatformCum)
	platform := simPlatforms[pi]
	l := simPost{polarity: pol, topic: topic}
	tc := simTextCtx{r: r, ward: "phường"}
	if wi >= 0 {
		wd := &w.wards[wi]
		tc.ward, tc.at, l.ward = simWardPhrase(wd), simWardMention(r, wd), wd.Code
		if r.Float64() < simPostWardTagged {
			l.row.WardCode = wd.Code
		}
	}
	if topic == "hanh_chinh_cong" {
		tc.procedure = w.someProcedureName(r)
	}
	texts := simPostTemplates[topic]
	list := texts.neu
	switch pol {
	case -1:
		list = texts.neg
	case 1:
		list = texts.pos
	}
	tpl := list[r.IntN(len(list))]
	var b strings.Builder
	b.Grow(len(tpl) + 64)
	tc.render(&b, tpl)
	text := b.String()
	if platform != models.PlatformNews {
		if r.Float64() < 0.3 {
			emoji := simEmojiNeu
			switch pol {
			case -1:
				emoji = simEmojiNeg
			case 1:
				emoji = simEmojiPos
			}
			text += " " + strings.Repeat(emoji[r.IntN(len(emoji))], 1+r.IntN(3))
		}
		if r.Float64() < 0.12 {
			text = simTeencodeText(r, text)
		}
	}
	if r.Float64() < 0.2 {
		text = Fold(text) // typed without an input method
	}
	if r.Float64() < simPostTopicTagged {
		l.row.Topic = topic
	}
	likes := math.Exp(1.2+1.5*r.NormFloat64()) * simPostReach[pi] * simIf(pol < 0, 1.4, 1)
	likes = min(likes, 5e6)
	pool := max(5000, int(400000*w.scale))
	l.author = simAuthorID(platform, int(float64(pool)*math.Pow(r.Float64(), 2)))
	l.row.Platform = string(platform)
	l.row.PublishedAt = simTimeInHours(r, d, simPostHours)
	l.row.Text = text
	l.row.Likes = uint32(likes)
	l.row.Shares = uint32(likes * (0.02 + 0.15*r.Float64()))
	l.row.Comments = uint32(likes*(0.05+0.35*r.Float64())) + uint32(r.IntN(3))
	l.row.Source = SimSource
	return l
}

// simPostID is a platform-shaped id and URL for the seq-th post of the platform on d.
func simPostID(pi int, d simDay, seq int, author string) (string, string) {
	num := strconv.FormatInt(int64(d)*1_000_000+int64(seq), 10)
	switch simPlatforms[pi] {
	case models.PlatformFacebook:
		g := simFBGroups[(int(d)+seq)%len(simFBGroups)]
		return "1029384756_" + num, "https://www.facebook.com/groups/" + g + "/posts/" + num
	case models.PlatformZalo:
		return "zl" + num, "https://zalo.me/s/" + num
	case models.PlatformTikTok:
		return "73" + num, "https://www.tiktok.com/" + author + "/video/73" + num
	case models.PlatformYouTube:
		return "Ugx" + num, "https://www.youtube.com/watch?v=demo" + strconv.Itoa(seq%97) + "&lc=Ugx" + num
	case models.PlatformNews:
		return "c" + num, "https://tintuc.example.vn/thoi-su/" + num + ".html#comments"
	}
	return "t" + num, "https://diendan.example.vn/threads/" + num
}

// simAuthorID is the platform's id of author number n (synthetic).
func simAuthorID(p models.Platform, n int) string {
	s := strconv.Itoa(n)
	switch p {
	case models.PlatformFacebook:
		return "1000" + strings.Repeat("0", max(0, 10-len(s))) + s
	case models.PlatformZalo:
		return "zalo_" + s
	case models.PlatformTikTok:
		return "@user" + s
	case models.PlatformYouTube:
		return "UCdemo" + s
	case models.PlatformNews:
		return "reader_" + s
	}
	return "member" + s
}
