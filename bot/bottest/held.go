package bottest

import (
	"net/http"
	"net/http/httptest"
	"sync"
)

// Held makes the call r to a fake platform through next as the platform meets a call from a
// process killed in the middle of it. The call waits until release is closed, and is never
// made if its caller goes away first; with answerLater it is made at once and only its answer
// waits, to be lost with the caller. A nil release passes the call at once. holding, under mu,
// counts the calls held now. The server notices a caller gone only once r's body has been
// read to its end: the fake reads it before.
func Held(w http.ResponseWriter, r *http.Request, next http.Handler, release <-chan struct{}, answerLater bool, mu sync.Locker, holding *int) {
	if release == nil {
		next.ServeHTTP(w, r)
		return
	}
	mu.Lock()
	*holding++
	mu.Unlock()
	defer func() {
		mu.Lock()
		*holding--
		mu.Unlock()
	}()
	if !answerLater {
		select {
		case <-release:
			next.ServeHTTP(w, r)
		case <-r.Context().Done():
		}
		return
	}
	made := httptest.NewRecorder()
	next.ServeHTTP(made, r)
	select {
	case <-release:
		for k, v := range made.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(made.Code)
		w.Write(made.Body.Bytes())
	case <-r.Context().Done():
	}
}
