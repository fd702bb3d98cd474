package recent

import (
	"fmt"
	"testing"
	"time"
)

func TestSet(t *testing.T) {
	start := time.Unix(1744000000, 0)
	r := New(10*time.Minute, 4)
	if !r.First("a", start) || r.First("a", start) {
		t.Fatal("First(a) twice: want true, then false")
	}
	if !r.First("b", start.Add(9*time.Minute)) {
		t.Fatal("First(b) = false")
	}
	// A generation later a is in the older one, still remembered.
	if r.First("a", start.Add(11*time.Minute)) || !r.First("c", start.Add(11*time.Minute)) {
		t.Error("a forgotten, or c refused, one generation on")
	}
	// Two spans without a word: everything is forgotten.
	if !r.First("a", start.Add(40*time.Minute)) {
		t.Error("a still remembered two spans later")
	}
}

// TestSetBounded: however many ids arrive at once, two generations of the limit are held,
// and the last limit ids are always remembered.
func TestSetBounded(t *testing.T) {
	now := time.Unix(1744000000, 0)
	r := New(10*time.Minute, 100)
	for i := range 10_000 {
		if !r.First(fmt.Sprint(i), now) {
			t.Fatalf("id %d refused the first time", i)
		}
		if n := len(r.cur) + len(r.prev); n > 200 {
			t.Fatalf("%d ids held, over two generations of 100", n)
		}
	}
	for i := 10_000 - 100; i < 10_000; i++ {
		if r.First(fmt.Sprint(i), now) {
			t.Fatalf("id %d, among the last 100, answered again", i)
		}
	}
}
