package dashboard

import (
	"embed"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"

	"github.com/gin-gonic/gin"
)

// Static assets. govpulse's own CSS, JS and the derived ward polygons (static/geo, see NOTICE)
// are embedded in the binary. Front-end packages from npm (ECharts, pinned by web/package.json
// and web/package-lock.json) are NOT embedded: `scripts/deps.sh web` installs them into
// web/node_modules, and govpulse serves them from there under /static/vendor/. The directory is
// found at run time as web/node_modules under the working directory or one of its parents, or
// beside the executable (bin/govpulse → ../web/node_modules); Options-free so that `go build`
// works without node_modules. When it is missing, /static/vendor/* answers 503 with the command
// to run, and the pages say that charts cannot be drawn.

//go:embed static
var staticFiles embed.FS

// vendorFiles maps the public vendor names to their place inside node_modules.
var vendorFiles = map[string]string{
	"echarts.min.js": "echarts/dist/echarts.min.js",
}

var webModules struct {
	mu  sync.Mutex
	dir string
}

// webModulesDir is the web/node_modules directory holding ECharts, or "" when none is found.
// A found directory is remembered; a missing one is looked for again on the next request, so
// running scripts/deps.sh web while govpulse runs is enough.
func webModulesDir() string {
	webModules.mu.Lock()
	defer webModules.mu.Unlock()
	if webModules.dir == "" {
		var starts []string
		if wd, err := os.Getwd(); err == nil {
			starts = append(starts, wd)
		}
		if exe, err := os.Executable(); err == nil {
			starts = append(starts, filepath.Dir(exe))
		}
		for _, s := range starts {
			for dir, i := s, 0; i < 5; dir, i = filepath.Dir(dir), i+1 {
				cand := filepath.Join(dir, "web", "node_modules")
				if _, err := os.Stat(filepath.Join(cand, "echarts", "package.json")); err == nil && webModules.dir == "" {
					webModules.dir = cand
				}
			}
		}
	}
	return webModules.dir
}

// staticHandler serves GET /static/*file (no login needed: nothing here is data).
func staticHandler() gin.HandlerFunc {
	sub, err := fs.Sub(staticFiles, "static")
	if err != nil {
		panic(err)
	}
	files := http.FileServer(http.FS(sub))
	return func(c *gin.Context) {
		name := path.Clean("/" + c.Param("file"))
		if v, ok := strings.CutPrefix(name, "/vendor/"); ok {
			serveVendor(c, v)
			return
		}
		c.Header("Cache-Control", "no-cache")
		c.Header("X-Content-Type-Options", "nosniff")
		c.Request.URL.Path = name
		files.ServeHTTP(c.Writer, c.Request)
	}
}

func serveVendor(c *gin.Context, name string) {
	rel, ok := vendorFiles[name]
	if !ok {
		c.String(http.StatusNotFound, "no such front-end asset")
		return
	}
	dir := webModulesDir()
	if dir == "" {
		c.String(http.StatusServiceUnavailable, "govpulse: front-end package missing (%s). Run scripts/deps.sh web (or make deps-run) in the govpulse directory, then reload.", rel)
		return
	}
	c.Header("Cache-Control", "public, max-age=86400")
	c.Header("X-Content-Type-Options", "nosniff")
	c.File(filepath.Join(dir, filepath.FromSlash(rel)))
}
