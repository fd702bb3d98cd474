package briefings_test

import (
	"fmt"
	"io/fs"
	"runtime"
	"strings"
	"testing"
	"testing/fstest"

	"briefbot/briefings"
)

// BenchmarkLibraryMemory is the heap a loaded library keeps, per briefing: n files read through
// the loader (briefings.Load) into one library, measured with runtime.ReadMemStats after a
// collection, and divided by n. SCALING.md quotes it:
//
//	go test ./briefings -run '^$' -bench LibraryMemory -benchtime 5x
//
// "copies" are the built-in briefing under n ids and titles: the same words n times over, so the
// search index's vocabulary stays that of one. "distinct" swaps a share of each one's words for
// made-up ones (manyBriefings), so that the vocabulary grows as a real library's does.
func BenchmarkLibraryMemory(b *testing.B) {
	for _, kind := range []string{"copies", "distinct"} {
		for _, n := range []int{1, 10, 100} {
			b.Run(fmt.Sprintf("%s-%d", kind, n), func(b *testing.B) {
				fsys := libraryFiles(b, kind, n)
				var retained uint64
				for b.Loop() {
					b.StopTimer()
					before := heapAfterGC()
					b.StartTimer()
					lib, err := briefings.Load(fsys)
					b.StopTimer()
					if err != nil {
						b.Fatal(err)
					}
					if got := len(lib.Briefings()); got != n {
						b.Fatalf("loaded %d briefings; want %d", got, n)
					}
					after := heapAfterGC()
					runtime.KeepAlive(lib)
					retained = after - min(before, after)
					b.StartTimer()
				}
				b.ReportMetric(float64(retained), "heap-B")
				b.ReportMetric(float64(retained)/float64(n), "heap-B/briefing")
			})
		}
	}
}

func heapAfterGC() uint64 {
	// Twice: the first collection may leave finalizers and sweeping to finish.
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// libraryFiles is n briefing files in a folder, each with an id and a title of its own.
func libraryFiles(tb testing.TB, kind string, n int) fs.FS {
	tb.Helper()
	fsys := fstest.MapFS{}
	if kind == "distinct" {
		for i, b := range manyBriefings(tb, n) {
			fsys[fmt.Sprintf("b%03d.md", i)] = &fstest.MapFile{Data: b.Content()}
		}
		return fsys
	}
	src, err := fs.ReadFile(briefings.Embedded(), "us-mexico-troops.md")
	if err != nil {
		tb.Fatal(err)
	}
	for i := range n {
		s := strings.Replace(string(src), "id: us-mexico-troops", fmt.Sprintf("id: briefing-%03d", i), 1)
		s = strings.Replace(s, "title: Mexico rejects U.S. troops plan", fmt.Sprintf("title: Briefing number %d", i), 1)
		fsys[fmt.Sprintf("b%03d.md", i)] = &fstest.MapFile{Data: []byte(s)}
	}
	return fsys
}
