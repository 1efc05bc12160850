//go:build !unix && !windows

package semantic

import (
	"io"
	"os"
)

// mapFile reads the file where memory mapping is not available.
func mapFile(f *os.File, size int) ([]byte, func() error, error) {
	data := make([]byte, size)
	if _, err := io.ReadFull(f, data); err != nil {
		return nil, nil, err
	}
	return data, func() error { return nil }, nil
}
