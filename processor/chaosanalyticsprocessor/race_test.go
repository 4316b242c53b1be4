//go:build race

package chaosanalyticsprocessor

const raceEnabled = true
