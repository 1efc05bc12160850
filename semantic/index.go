package semantic

import (
	"bytes"
	"container/heap"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"unsafe"

	"gonum.org/v1/gonum/blas/blas32"

	"github.com/mem0dev/mem0/store"
)

// The vector index file holds a copy of the stored vectors laid out for a
// fast exact scan: reading 100,000 vectors of 768 dimensions out of SQLite
// takes seconds, mapping this file takes a fraction of a millisecond. The
// database stays the truth; the file is rebuilt from it whenever it does
// not match (a missing, torn or foreign file, another model).
//
// Layout: a 256-byte header, then records of [seq int64][dims float32],
// all little-endian, so the whole file past the header is one []float32
// and record i's vector starts at float i*(dims+2)+2. Records are only
// appended; a vector dropped or replaced since has its seq set to 0 (dead).
// The header's rev says which database changes the file has taken in.
const (
	indexMagic    = "MEM0VEC2"
	headerSize    = 256
	offDims       = 8  // uint32
	offCount      = 16 // uint64: complete records
	offRev        = 24 // uint64: the newest embeddings.rev copied
	offModelLen   = 32 // uint32
	offModel      = 36
	maxModelBytes = headerSize - offModel
)

var errBadIndex = errors.New("the vector index file is damaged")

// littleEndian: the records are read in place, which needs a
// little-endian machine (every platform mem0 ships for is one).
var littleEndian = func() bool {
	x := uint16(1)
	return *(*byte)(unsafe.Pointer(&x)) == 1
}()

// index is an open, mapped vector file.
type index struct {
	data  []byte
	unmap func() error
	dims  int
	count int // records, dead ones included
	live  int // records not dead, as the last top counted
	rev   int64
	model string
}

func (ix *index) close() {
	if ix != nil && ix.unmap != nil {
		ix.unmap()
		ix.unmap = nil
	}
}

func (ix *index) recFloats() int { return ix.dims + 2 }

// openIndex maps the file at path. It returns nil and no error when there
// is no file, and errBadIndex when it is not a complete index.
func openIndex(path string) (*index, error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open the vector index: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("open the vector index: %w", err)
	}
	if fi.Size() < headerSize {
		return nil, errBadIndex
	}
	data, unmap, err := mapFile(f, int(fi.Size()))
	if err != nil {
		return nil, fmt.Errorf("map the vector index: %w", err)
	}
	ix := &index{data: data, unmap: unmap}
	if err := ix.readHeader(); err != nil {
		ix.close()
		return nil, err
	}
	return ix, nil
}

func (ix *index) readHeader() error {
	h := ix.data
	if !bytes.Equal(h[:8], []byte(indexMagic)) || !littleEndian {
		return errBadIndex
	}
	ix.dims = int(binary.LittleEndian.Uint32(h[offDims:]))
	count := binary.LittleEndian.Uint64(h[offCount:])
	ix.rev = int64(binary.LittleEndian.Uint64(h[offRev:]))
	n := int(binary.LittleEndian.Uint32(h[offModelLen:]))
	if ix.dims <= 0 || ix.dims > 1<<16 || n > maxModelBytes {
		return errBadIndex
	}
	ix.model = string(h[offModel : offModel+n])
	// A writer appends records before it raises the count, so a count
	// beyond the mapped length means a torn write: the file is rebuilt.
	if count > uint64((len(ix.data)-headerSize)/(4*ix.recFloats())) {
		return errBadIndex
	}
	ix.count = int(count)
	return nil
}

// floats is the record area as float32s.
func (ix *index) floats() []float32 {
	if ix.count == 0 {
		return nil
	}
	n := ix.count * ix.recFloats()
	return unsafe.Slice((*float32)(unsafe.Pointer(&ix.data[headerSize])), n)
}

// seq returns record i's memory seq, 0 for a dead record.
func (ix *index) seq(i int) int64 {
	return int64(binary.LittleEndian.Uint64(ix.data[headerSize+i*4*ix.recFloats():]))
}

// candidate is a record and its similarity to the query.
type candidate struct {
	seq   int64
	score float32
}

// candHeap keeps the best k candidates: the worst on top.
type candHeap []candidate

func (h candHeap) Len() int           { return len(h) }
func (h candHeap) Less(i, j int) bool { return h[i].score < h[j].score }
func (h candHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *candHeap) Push(x any)        { *h = append(*h, x.(candidate)) }
func (h *candHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// top returns the k records most similar to q (unit length), best first,
// and counts the live records. allow, when not nil, skips records it
// refuses before any arithmetic. The scan is split across the processors.
func (ix *index) top(q []float32, k int, allow func(seq int64) bool) []candidate {
	if ix == nil || ix.count == 0 || len(q) != ix.dims || k <= 0 {
		return nil
	}
	parts := min(runtime.GOMAXPROCS(0), max(1, ix.count/4096))
	heaps := make([]candHeap, parts)
	lives := make([]int, parts)
	var wg sync.WaitGroup
	per := (ix.count + parts - 1) / parts
	for p := range parts {
		lo, hi := p*per, min(ix.count, (p+1)*per)
		wg.Go(func() { heaps[p], lives[p] = ix.scan(q, k, lo, hi, allow) })
	}
	wg.Wait()
	ix.live = 0
	for _, n := range lives {
		ix.live += n
	}
	all := heaps[0]
	for _, h := range heaps[1:] {
		for _, c := range h {
			if len(all) < k {
				heap.Push(&all, c)
			} else if c.score > all[0].score {
				all[0] = c
				heap.Fix(&all, 0)
			}
		}
	}
	out := make([]candidate, len(all))
	for i := len(all) - 1; i >= 0; i-- {
		out[i] = heap.Pop(&all).(candidate)
	}
	return out
}

func (ix *index) scan(q []float32, k, lo, hi int, allow func(int64) bool) (candHeap, int) {
	fl := ix.floats()
	rf := ix.recFloats()
	h := make(candHeap, 0, k)
	live := 0
	for i := lo; i < hi; i++ {
		seq := ix.seq(i) // beside the vector: read with it
		if seq == 0 {
			continue // a dropped or replaced vector
		}
		live++
		if allow != nil && !allow(seq) {
			continue
		}
		base := i*rf + 2
		s := dot(q, fl[base:base+ix.dims])
		if len(h) < k {
			heap.Push(&h, candidate{seq, s})
		} else if s > h[0].score {
			h[0] = candidate{seq, s}
			heap.Fix(&h, 0)
		}
	}
	return h, live
}

// dot is the inner product; with unit vectors, the cosine similarity.
// gonum's BLAS does it with the processor's vector instructions (SSE on
// amd64), about three times as fast as a Go loop over the same floats.
func dot(a, b []float32) float32 {
	return blas32.Dot(blas32.Vector{N: len(a), Inc: 1, Data: a}, blas32.Vector{N: len(a), Inc: 1, Data: b[:len(a)]})
}

// normalize scales v to unit length in place (a zero vector stays zero).
func normalize(v []float32) []float32 {
	var sum float64
	for _, x := range v {
		sum += float64(x) * float64(x)
	}
	if sum == 0 {
		return v
	}
	inv := float32(1 / math.Sqrt(sum))
	for i := range v {
		v[i] *= inv
	}
	return v
}

// syncIndex makes the file at path hold every vector stored for model and
// returns it mapped (nil when there are no vectors). The common case, a
// file already up to date, costs one indexed query and a map. New vectors
// are appended under the database's write lock (briefly: they are few), so
// two processes never append at once; a rebuild reads a snapshot of the
// database without holding the lock and renames its own file into place.
func syncIndex(ctx context.Context, s *store.Store, path, model string) (*index, error) {
	rev, err := s.EmbeddingRev(ctx)
	if err != nil {
		return nil, err
	}
	if rev == 0 {
		return nil, nil
	}
	model = clipModel(model)
	ix, err := openIndex(path)
	if err == nil && ix != nil && ix.model == model && ix.rev == rev {
		return ix, nil
	}
	rebuild := err != nil || ix == nil || ix.model != model || ix.rev > rev || ix.count == 0
	if !rebuild {
		n, err := s.EmbeddingCount(ctx)
		if err != nil {
			ix.close()
			return nil, err
		}
		reset, err := s.EmbeddingResetRev(ctx)
		if err != nil {
			ix.close()
			return nil, err
		}
		// Made before the last reset, or mostly dead records.
		rebuild = ix.rev < reset || ix.count > 2*n+1024
	}
	ix.close() // before any write: Windows cannot grow or replace a mapped file
	if !rebuild {
		err := s.WithTx(ctx, func(tx *store.Tx) error {
			// Another process may have brought it up to date meanwhile.
			ix, err := openIndex(path)
			defer ix.close()
			if err != nil || ix == nil || ix.model != model || ix.count == 0 {
				return errRebuild
			}
			dims, count, from := ix.dims, ix.count, ix.rev
			ix.close()
			rev, err := tx.EmbeddingRev(ctx)
			if err != nil {
				return err
			}
			return appendIndex(ctx, tx, path, dims, count, from, rev)
		})
		switch {
		case errors.Is(err, errRebuild):
			rebuild = true
		case err != nil:
			return nil, err
		}
	}
	if rebuild {
		if err := rebuildIndex(ctx, s, path, model); err != nil {
			return nil, err
		}
	}
	return openIndex(path)
}

// errRebuild says the file cannot be appended to: vectors of another size,
// or a file another process replaced meanwhile.
var errRebuild = errors.New("the vector index must be rebuilt")

// errMixedSizes: the database holds vectors of two sizes, which only a
// reset can mend (the store resets itself when the size changes, so this
// is a database written by something else).
var errMixedSizes = errors.New("vectors of different sizes are stored: run mem0 reindex --reset")

// rebuildIndex writes a new file from every stored vector and renames it
// into place, so readers see the old file or the new one, never a mix.
func rebuildIndex(ctx context.Context, s *store.Store, path, model string) error {
	f, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("write the vector index: %w", err)
	}
	tmp := f.Name()
	// The header's place is kept in the first block, so that every block
	// written is whole and aligned (see recordWriter).
	w := &recordWriter{f: f, buf: make([]byte, headerSize, writeBlock+64<<10)}
	// The rev before the snapshot: it may lie above every vector (just
	// after a reset), and whatever is written later lies above it.
	floor, err := s.EmbeddingRev(ctx)
	if err == nil {
		err = s.EachEmbedding(ctx, 0, w.add)
	}
	if errors.Is(err, errRebuild) {
		err = errMixedSizes
	}
	if err == nil {
		err = w.flush(true)
	}
	if err == nil {
		err = writeHeader(f, max(w.dims, 1), w.count, max(w.rev, floor), model)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write the vector index: %w", err)
	}
	return nil
}

// appendIndex brings the file from rev from up to upTo: records whose
// vector was dropped or replaced since are marked dead (seq 0), then the
// new vectors are appended, then the header's count makes them visible.
// A reader in between misses a replaced vector for a moment; it never sees
// a dropped one.
func appendIndex(ctx context.Context, tx *store.Tx, path string, dims, count int, from, upTo int64) error {
	dropped, err := tx.DroppedEmbeddings(ctx, from)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0o600)
	if err != nil {
		return fmt.Errorf("update the vector index: %w", err)
	}
	defer f.Close()
	recBytes := int64(4 * (dims + 2))
	w := &recordWriter{f: f, off: headerSize + int64(count)*recBytes, dims: dims, count: count, rev: from, seqs: map[int64]bool{}}
	if err := tx.EachEmbedding(ctx, from, w.add); err != nil {
		return err
	}
	if err := w.flush(true); err != nil {
		return fmt.Errorf("update the vector index: %w", err)
	}
	for _, seq := range dropped {
		w.seqs[seq] = true
	}
	if len(w.seqs) > 0 && count > 0 {
		if err := markDead(f, count, recBytes, w.seqs); err != nil {
			return fmt.Errorf("update the vector index: %w", err)
		}
	}
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], uint64(w.count))
	binary.LittleEndian.PutUint64(b[8:], uint64(max(w.rev, upTo)))
	if _, err := f.WriteAt(b[:], offCount); err != nil {
		return fmt.Errorf("update the vector index: %w", err)
	}
	return nil
}

// markDead zeroes the seq of the first count records whose seq is in seqs.
func markDead(f *os.File, count int, recBytes int64, seqs map[int64]bool) error {
	data, unmap, err := mapFile(f, int(headerSize+int64(count)*recBytes))
	if err != nil {
		return err
	}
	var slots []int64
	for i := range int64(count) {
		off := headerSize + i*recBytes
		if seqs[int64(binary.LittleEndian.Uint64(data[off:]))] {
			slots = append(slots, off)
		}
	}
	unmap() // before writing: Windows cannot write through a file it has mapped
	var zero [8]byte
	for _, off := range slots {
		if _, err := f.WriteAt(zero[:], off); err != nil {
			return err
		}
	}
	return nil
}

// writeBlock is the unit the index file is written in: whole, aligned
// blocks of 4 MiB let the kernel keep the file in huge pages, which the
// scan then reads through a few hundred page-table entries instead of
// tens of thousands (measured here: the first scan of 100,000 vectors in
// a fresh process takes 10 ms instead of 80).
const writeBlock = 4 << 20

// recordWriter buffers records and writes them at off, in whole aligned
// blocks but for the last.
type recordWriter struct {
	f     *os.File
	off   int64 // file offset of buf[0]
	buf   []byte
	dims  int
	count int
	rev   int64
	seqs  map[int64]bool // when set, the seqs written
}

func (w *recordWriter) add(seq, rev int64, vec []byte) error {
	if w.dims == 0 {
		w.dims = len(vec) / 4
	}
	if len(vec) != 4*w.dims {
		return errRebuild // vectors of another size than the file's
	}
	w.buf = binary.LittleEndian.AppendUint64(w.buf, uint64(seq))
	w.buf = append(w.buf, vec...)
	w.count++
	w.rev = rev
	if w.seqs != nil {
		w.seqs[seq] = true
	}
	return w.flush(false)
}

// flush writes what fills blocks up to the next block boundaries; final
// writes the rest too.
func (w *recordWriter) flush(final bool) error {
	for {
		n := writeBlock - int(w.off%writeBlock)
		if len(w.buf) < n {
			if !final || len(w.buf) == 0 {
				return nil
			}
			n = len(w.buf)
		}
		if _, err := w.f.WriteAt(w.buf[:n], w.off); err != nil {
			return err
		}
		w.off += int64(n)
		w.buf = append(w.buf[:0], w.buf[n:]...)
	}
}

// clipModel is the model name as the header can hold it.
func clipModel(model string) string {
	if len(model) > maxModelBytes {
		return model[:maxModelBytes]
	}
	return model
}

func writeHeader(f *os.File, dims, count int, rev int64, model string) error {
	model = clipModel(model)
	h := make([]byte, headerSize)
	copy(h, indexMagic)
	binary.LittleEndian.PutUint32(h[offDims:], uint32(dims))
	binary.LittleEndian.PutUint64(h[offCount:], uint64(count))
	binary.LittleEndian.PutUint64(h[offRev:], uint64(rev))
	binary.LittleEndian.PutUint32(h[offModelLen:], uint32(len(model)))
	copy(h[offModel:], model)
	_, err := f.WriteAt(h, 0)
	return err
}
