package notify

import (
	"go.opentelemetry.io/collector/config/configopaque"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

func metav1GetOptions() metav1.GetOptions { return metav1.GetOptions{} }

// apiStatusError is the API server's answer with that status code.
func apiStatusError(code int32) error {
	return &apierrors.StatusError{ErrStatus: metav1.Status{Status: metav1.StatusFailure, Code: code, Message: "refused"}}
}

func configopaqueHeaders(m map[string]string) configopaque.MapList {
	var out configopaque.MapList
	for k, v := range m {
		out = append(out, configopaque.Pair{Name: k, Value: configopaque.String(v)})
	}
	return out
}
