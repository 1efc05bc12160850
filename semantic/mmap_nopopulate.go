//go:build unix && !linux

package semantic

const mapPopulate = 0
