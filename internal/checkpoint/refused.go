package checkpoint

import (
	"errors"
	"fmt"

	"go.uber.org/zap"
)

// VersionError is a checkpoint whose format version the reader does not
// read: a newer collector's, an unknown one, or none at all.
type VersionError struct {
	Found int // the version the checkpoint declares; 0 when it declares none
	Reads int // the one version the reader reads
}

func (e *VersionError) Error() string {
	if e.Found == 0 {
		return fmt.Sprintf("checkpoint declares no format version; this collector reads version %d", e.Reads)
	}
	return fmt.Sprintf("checkpoint is format version %d; this collector reads version %d", e.Found, e.Reads)
}

// Refused logs, in one line, that the checkpoint of component was not
// restored and that the component starts fresh: which format version the
// checkpoint has (or that it could not be read as the version this
// collector reads) and which version that is. A reader never guesses at a
// format it does not know: misread state is worse than none.
func Refused(logger *zap.Logger, component string, reads int, err error) {
	var found string
	var ve *VersionError
	switch {
	case errors.As(err, &ve) && ve.Found == 0:
		found = "it declares no format version"
	case errors.As(err, &ve):
		found = fmt.Sprintf("it is format version %d", ve.Found)
	default:
		found = fmt.Sprintf("it cannot be read as format version %d", reads)
	}
	logger.Warn(fmt.Sprintf("%s: checkpoint not restored, starting fresh: %s, this collector reads version %d", component, found, reads),
		zap.Int("reads_version", reads), zap.Error(err))
}
