package postgres

import (
	"context"
	"testing"
)

// TestUnstorableText: NUL bytes and invalid UTF-8 from a client's payload,
// which PostgreSQL text cannot hold, are stored as U+FFFD, consistently in
// keys: a re-sent occurrence is still a duplicate and one fingerprint one
// item. The data object is kept byte for byte.
func TestUnstorableText(t *testing.T) {
	ctx := context.Background()
	s, _ := openTest(t)
	o := occ("default", "fp\x00", "u\x00", 0)
	o.Message, o.Title, o.Environment = "bad \x00 and \xff", "T\xc3", "prod\x00"
	o.Data = []byte("{\"raw\":\"\x00\xff\"}")
	first := record(t, s, o)[0]
	again := occ("default", "fp\x00", "u\x00", 1)
	second := occ("default", "fp\x00", "u2", 2)
	recs := record(t, s, again, second)
	if !recs[0].Duplicate || recs[0].OccurrenceID != first.OccurrenceID {
		t.Errorf("re-sent occurrence: %+v, want a duplicate of %+v", recs[0], first)
	}
	if recs[1].ItemID != first.ItemID {
		t.Errorf("same fingerprint, another item: %d and %d", recs[1].ItemID, first.ItemID)
	}
	got, err := s.Occurrence(ctx, "default", first.OccurrenceID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Message != "bad \uFFFD and \uFFFD" || got.Title != "T\uFFFD" || got.UUID != "u\uFFFD" ||
		got.Fingerprint != "fp\uFFFD" || string(got.Data) != string(o.Data) {
		t.Errorf("stored %q %q %q %q %q", got.Message, got.Title, got.UUID, got.Fingerprint, got.Data)
	}
	it, err := s.Item(ctx, "default", first.ItemID)
	if err != nil || it.TotalOccurrences != 2 || it.Environments[0] != "prod\uFFFD" {
		t.Errorf("item %+v, %v", it, err)
	}
}
