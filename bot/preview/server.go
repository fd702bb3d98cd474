package preview

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"briefbot/bot"
)

//go:embed assets
var assets embed.FS

// pageTemplate is parsed on the first page drawn, not when the package loads: briefbot serve,
// which links this package for the preview subcommand, never draws one. A template that does
// not parse fails every test of the package.
var pageTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.ParseFS(assets, "assets/*.html"))
})

// server is the preview page over one Source.
type server struct {
	src       Source
	now       func() time.Time
	hosts     []string
	log       *slog.Logger
	heartbeat time.Duration
	answer    bot.Handler
	// boot tells this process's states from another's: a page left open across a restart of
	// briefbot preview sees a new stamp and refreshes.
	boot string
}

// New returns the preview page: GET / (the command box), /digests, /briefings, /complete (what
// the command box suggests, as JSON), /events (a text/event-stream that names the state in force
// whenever it changes) and /assets/.
func New(src Source, opts Options) http.Handler {
	s := &server{src: src, now: opts.Now, hosts: opts.Hosts, log: opts.Logger, heartbeat: opts.Heartbeat,
		boot: strconv.FormatInt(time.Now().UnixNano(), 36)}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.heartbeat <= 0 {
		s.heartbeat = 25 * time.Second
	}
	// A command that panics is answered as the bot would answer it, not with a dead page.
	s.answer = bot.Chain(bot.Answer, bot.Recover(s.log))

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.page("ask"))
	mux.HandleFunc("GET /digests", s.page("digests"))
	mux.HandleFunc("GET /briefings", s.page("briefings"))
	mux.HandleFunc("GET /home", s.page("home"))
	mux.HandleFunc("GET /complete", s.complete)
	mux.HandleFunc("GET /events", s.events)
	mux.HandleFunc("GET /assets/{file}", func(w http.ResponseWriter, r *http.Request) {
		switch name := r.PathValue("file"); name {
		case "style.css", "live.js":
			http.ServeFileFS(w, r, assets, "assets/"+name)
		default:
			http.NotFound(w, r)
		}
	})
	return s.guard(mux)
}

// guard refuses requests for another host name and sets the headers every answer carries: the
// page loads nothing from elsewhere and runs no inline script, and answers are never cached, since
// they change with every save.
func (s *server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.allowed(r.Host) {
			http.Error(w, "This preview answers only on its own address.", http.StatusMisdirectedRequest)
			return
		}
		h := w.Header()
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cache-Control", "no-store")
		next.ServeHTTP(w, r)
	})
}

func (s *server) allowed(host string) bool {
	if len(s.hosts) == 0 {
		return true
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.Trim(host, "[]")
	for _, ok := range s.hosts {
		if strings.EqualFold(host, ok) {
			return true
		}
	}
	return false
}

// stamp names a state for open pages: it changes with every change and every restart.
func (s *server) stamp(st State) string { return s.boot + "-" + strconv.FormatUint(st.Version, 10) }

// page serves one view. A request with X-Preview-Part: live gets only the parts that change with
// the files, which is what the page's script asks for after a change.
func (s *server) page(view string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		st := s.src.Current()
		p := s.build(r, view, st)
		name := "page"
		if r.Header.Get("X-Preview-Part") == "live" {
			name = "part"
		}
		var buf bytes.Buffer
		if err := pageTemplate().ExecuteTemplate(&buf, name, p); err != nil {
			s.log.Error("preview: render page", "view", view, "err", err)
			http.Error(w, "The page could not be drawn; see the log.", http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.Write(buf.Bytes())
	}
}

// complete answers GET /complete?line=... with the command lines the box may suggest.
func (s *server) complete(w http.ResponseWriter, r *http.Request) {
	choices := []string{}
	if e := s.src.Current().Engine; e != nil {
		choices = append(choices, completions(e, r.URL.Query().Get("line"), maxChoices)...)
	}
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(choices)
}

// events streams the stamp of the state in force, once at the start and again at every change,
// so that an open page fetches itself again within moments of a save. retry makes a browser
// reconnect within a second when the preview restarts.
func (s *server) events(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	beat := time.NewTicker(s.heartbeat)
	defer beat.Stop()
	for {
		// Ask for the next change before reading the state, so that none falls in between.
		changed := s.src.Changed()
		if _, err := fmt.Fprintf(w, "retry: 1000\nevent: state\ndata: %s\n\n", s.stamp(s.src.Current())); err != nil {
			return
		}
		if rc.Flush() != nil {
			return
		}
	wait:
		for {
			select {
			case <-changed:
				break wait
			case <-beat.C:
				if _, err := fmt.Fprint(w, ": still here\n\n"); err != nil || rc.Flush() != nil {
					return
				}
			case <-r.Context().Done():
				return
			}
		}
	}
}
