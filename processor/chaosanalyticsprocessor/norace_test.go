//go:build !race

package chaosanalyticsprocessor

const raceEnabled = false
