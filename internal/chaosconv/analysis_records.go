package chaosconv

import (
	"errors"
	"time"

	"go.opentelemetry.io/collector/pdata/pcommon"
	"go.opentelemetry.io/collector/pdata/plog"
)

// ErrWrongRecord is returned when decoding a record of another kind.
var ErrWrongRecord = errors.New("record is of another kind")

// ScopeRef names the scope an analysis record is about.
type ScopeRef struct {
	Kind ScopeKind
	Key  string
}

// Anomaly is the content of a chaos.anomaly record.
type Anomaly struct {
	ID          string
	Type        AnomalyType
	State       AnomalyState
	Scope       ScopeRef
	Metric      string
	AtUnixNano  int64         // the bucket this record reports on (its start)
	Width       time.Duration // that bucket's width (0: not recorded)
	Start       int64
	End         int64 // 0 while open
	PeakTime    int64
	PeakValue   float64
	Observed    float64
	Expected    float64
	BandLow     float64
	BandHigh    float64
	Score       float64
	Severity    Severity
	Description string
	Actions     []string
	CloseReason CloseReason // closed anomalies only
}

// Trend is the content of a chaos.trend record.
type Trend struct {
	Scope      ScopeRef
	Metric     string
	AtUnixNano int64
	Width      time.Duration
	Direction  TrendDirection
	Slope      float64
	R2         float64
	PValue     float64
	Tau        float64
	Confidence float64
	Window     int
}

// Forecast is the content of a chaos.forecast record.
type Forecast struct {
	Scope          ScopeRef
	Metric         string
	AtUnixNano     int64 // when it was made (the last bucket seen)
	Width          time.Duration
	TargetUnixNano int64
	Horizon        int
	Value          float64
	Low, High      float64
	Confidence     float64
}

// Health is the content of a chaos.health record.
type Health struct {
	Scope      ScopeRef
	AtUnixNano int64
	Width      time.Duration
	Score      float64
	Components map[string]float64
	Factors    []string
}

// putScope writes the scope, and the width of the buckets the record is
// about (chaos.bucket.width_s) when known, so that readers can tell when
// the bucket ended.
func putScope(a pcommon.Map, s ScopeRef, width time.Duration) {
	a.PutStr(AttrScope, s.Kind.String())
	a.PutStr(AttrScopeKey, s.Key)
	if width > 0 {
		a.PutInt(AttrBucketWidth, int64(width/time.Second))
	}
}

// getWidth reads chaos.bucket.width_s (0 when absent or not a positive int).
func getWidth(a pcommon.Map) time.Duration {
	if w := getInt(a, AttrBucketWidth); w > 0 {
		return time.Duration(w) * time.Second
	}
	return 0
}

func beginRecord(lr plog.LogRecord, kind string, at int64, sev plog.SeverityNumber, body string) pcommon.Map {
	lr.SetEventName(kind)
	lr.SetTimestamp(pcommon.Timestamp(at))
	lr.SetSeverityNumber(sev)
	lr.SetSeverityText(severityText(sev))
	lr.Body().SetStr(body)
	return lr.Attributes()
}

// severityText spells severities as chaos.event records do: INFO, WARN, ERROR.
func severityText(n plog.SeverityNumber) string {
	switch n {
	case plog.SeverityNumberError:
		return "ERROR"
	case plog.SeverityNumberWarn:
		return "WARN"
	}
	return "INFO"
}

func severityNumber(s Severity) plog.SeverityNumber {
	switch s {
	case SeverityCritical:
		return plog.SeverityNumberError
	case SeverityWarning:
		return plog.SeverityNumberWarn
	}
	return plog.SeverityNumberInfo
}

// EncodeAnomaly writes a into lr as a chaos.anomaly record.
func EncodeAnomaly(an *Anomaly, lr plog.LogRecord) {
	a := beginRecord(lr, RecordAnomaly, an.AtUnixNano, severityNumber(an.Severity), an.Description)
	a.EnsureCapacity(20)
	putScope(a, an.Scope, an.Width)
	a.PutStr(AttrAnomalyID, an.ID)
	a.PutStr(AttrAnomalyType, string(an.Type))
	a.PutStr(AttrAnomalyState, string(an.State))
	a.PutStr(AttrAnomalyMetric, an.Metric)
	a.PutInt(AttrAnomalyStart, an.Start)
	if an.State == AnomalyClosed {
		a.PutInt(AttrAnomalyEnd, an.End)
		if an.CloseReason != "" {
			a.PutStr(AttrAnomalyCloseReason, string(an.CloseReason))
		}
	}
	a.PutInt(AttrAnomalyPeakTime, an.PeakTime)
	a.PutDouble(AttrAnomalyPeakValue, an.PeakValue)
	a.PutDouble(AttrAnomalyObserved, an.Observed)
	a.PutDouble(AttrAnomalyExpected, an.Expected)
	a.PutDouble(AttrAnomalyBandLow, an.BandLow)
	a.PutDouble(AttrAnomalyBandHigh, an.BandHigh)
	a.PutDouble(AttrAnomalyScore, an.Score)
	a.PutStr(AttrAnomalySeverity, string(an.Severity))
	a.PutStr(AttrAnomalyDescription, an.Description)
	actions := a.PutEmptySlice(AttrAnomalyActions)
	actions.EnsureCapacity(len(an.Actions))
	for _, s := range an.Actions {
		actions.AppendEmpty().SetStr(s)
	}
}

// DecodeAnomaly reads a chaos.anomaly record.
func DecodeAnomaly(lr plog.LogRecord, an *Anomaly) error {
	if lr.EventName() != RecordAnomaly {
		return ErrWrongRecord
	}
	a := lr.Attributes()
	*an = Anomaly{AtUnixNano: int64(lr.Timestamp()), Width: getWidth(a)}
	if err := getScope(a, &an.Scope); err != nil {
		return err
	}
	an.ID = getStr(a, AttrAnomalyID)
	an.Type = AnomalyType(getStr(a, AttrAnomalyType))
	an.State = AnomalyState(getStr(a, AttrAnomalyState))
	an.Metric = getStr(a, AttrAnomalyMetric)
	an.Start = getInt(a, AttrAnomalyStart)
	an.End = getInt(a, AttrAnomalyEnd)
	an.PeakTime = getInt(a, AttrAnomalyPeakTime)
	an.PeakValue = getFloat(a, AttrAnomalyPeakValue)
	an.Observed = getFloat(a, AttrAnomalyObserved)
	an.Expected = getFloat(a, AttrAnomalyExpected)
	an.BandLow = getFloat(a, AttrAnomalyBandLow)
	an.BandHigh = getFloat(a, AttrAnomalyBandHigh)
	an.Score = getFloat(a, AttrAnomalyScore)
	an.Severity = Severity(getStr(a, AttrAnomalySeverity))
	an.Description = getStr(a, AttrAnomalyDescription)
	an.CloseReason = CloseReason(getStr(a, AttrAnomalyCloseReason))
	if v, ok := a.Get(AttrAnomalyActions); ok && v.Type() == pcommon.ValueTypeSlice {
		for _, s := range v.Slice().All() {
			an.Actions = append(an.Actions, s.AsString())
		}
	}
	if an.ID == "" || an.Type == "" || an.State == "" {
		return &FieldError{Key: AttrAnomalyID, Err: ErrMissingField, Msg: "id, type and state are required"}
	}
	return nil
}

// EncodeTrend writes t into lr as a chaos.trend record.
func EncodeTrend(t *Trend, lr plog.LogRecord) {
	a := beginRecord(lr, RecordTrend, t.AtUnixNano, plog.SeverityNumberInfo, "chaos: "+t.Metric+" "+string(t.Direction))
	a.EnsureCapacity(11)
	putScope(a, t.Scope, t.Width)
	a.PutStr(AttrTrendMetric, t.Metric)
	a.PutStr(AttrTrendDirection, string(t.Direction))
	a.PutDouble(AttrTrendSlope, t.Slope)
	a.PutDouble(AttrTrendR2, t.R2)
	a.PutDouble(AttrTrendPValue, t.PValue)
	a.PutDouble(AttrTrendTau, t.Tau)
	a.PutDouble(AttrTrendConfidence, t.Confidence)
	a.PutInt(AttrTrendWindow, int64(t.Window))
}

// DecodeTrend reads a chaos.trend record.
func DecodeTrend(lr plog.LogRecord, t *Trend) error {
	if lr.EventName() != RecordTrend {
		return ErrWrongRecord
	}
	a := lr.Attributes()
	*t = Trend{AtUnixNano: int64(lr.Timestamp()), Width: getWidth(a), Metric: getStr(a, AttrTrendMetric),
		Direction: TrendDirection(getStr(a, AttrTrendDirection)), Slope: getFloat(a, AttrTrendSlope),
		R2: getFloat(a, AttrTrendR2), PValue: getFloat(a, AttrTrendPValue), Tau: getFloat(a, AttrTrendTau),
		Confidence: getFloat(a, AttrTrendConfidence), Window: int(getInt(a, AttrTrendWindow))}
	return getScope(a, &t.Scope)
}

// EncodeForecast writes f into lr as a chaos.forecast record.
func EncodeForecast(f *Forecast, lr plog.LogRecord) {
	a := beginRecord(lr, RecordForecast, f.AtUnixNano, plog.SeverityNumberInfo, "chaos: "+f.Metric+" forecast")
	a.EnsureCapacity(10)
	putScope(a, f.Scope, f.Width)
	a.PutStr(AttrForecastMetric, f.Metric)
	a.PutInt(AttrForecastTarget, f.TargetUnixNano)
	a.PutInt(AttrForecastHorizon, int64(f.Horizon))
	a.PutDouble(AttrForecastValue, f.Value)
	a.PutDouble(AttrForecastLow, f.Low)
	a.PutDouble(AttrForecastHigh, f.High)
	a.PutDouble(AttrForecastConfidence, f.Confidence)
}

// DecodeForecast reads a chaos.forecast record.
func DecodeForecast(lr plog.LogRecord, f *Forecast) error {
	if lr.EventName() != RecordForecast {
		return ErrWrongRecord
	}
	a := lr.Attributes()
	*f = Forecast{AtUnixNano: int64(lr.Timestamp()), Width: getWidth(a), Metric: getStr(a, AttrForecastMetric),
		TargetUnixNano: getInt(a, AttrForecastTarget), Horizon: int(getInt(a, AttrForecastHorizon)),
		Value: getFloat(a, AttrForecastValue), Low: getFloat(a, AttrForecastLow), High: getFloat(a, AttrForecastHigh),
		Confidence: getFloat(a, AttrForecastConfidence)}
	return getScope(a, &f.Scope)
}

// EncodeHealth writes h into lr as a chaos.health record.
func EncodeHealth(h *Health, lr plog.LogRecord) {
	status := HealthStatusOf(h.Score)
	sev := plog.SeverityNumberInfo
	switch status {
	case HealthDegraded:
		sev = plog.SeverityNumberWarn
	case HealthCritical:
		sev = plog.SeverityNumberError
	}
	a := beginRecord(lr, RecordHealth, h.AtUnixNano, sev, "chaos: health "+string(status))
	a.EnsureCapacity(7)
	putScope(a, h.Scope, h.Width)
	a.PutDouble(AttrHealthScore, h.Score)
	a.PutStr(AttrHealthStatus, string(status))
	comps := a.PutEmptyMap(AttrHealthComponents)
	for _, k := range sortedKeys(h.Components) {
		comps.PutDouble(k, h.Components[k])
	}
	factors := a.PutEmptySlice(AttrHealthFactors)
	for _, f := range h.Factors {
		factors.AppendEmpty().SetStr(f)
	}
}

// DecodeHealth reads a chaos.health record.
func DecodeHealth(lr plog.LogRecord, h *Health) error {
	if lr.EventName() != RecordHealth {
		return ErrWrongRecord
	}
	a := lr.Attributes()
	*h = Health{AtUnixNano: int64(lr.Timestamp()), Width: getWidth(a), Score: getFloat(a, AttrHealthScore), Components: map[string]float64{}}
	if v, ok := a.Get(AttrHealthComponents); ok && v.Type() == pcommon.ValueTypeMap {
		for k, c := range v.Map().All() {
			h.Components[k] = c.Double()
		}
	}
	if v, ok := a.Get(AttrHealthFactors); ok && v.Type() == pcommon.ValueTypeSlice {
		for _, f := range v.Slice().All() {
			h.Factors = append(h.Factors, f.AsString())
		}
	}
	return getScope(a, &h.Scope)
}

func getScope(a pcommon.Map, s *ScopeRef) error {
	s.Kind = ParseScopeKind(getStr(a, AttrScope))
	if s.Kind == ScopeUnknown {
		return &FieldError{Key: AttrScope, Err: ErrInvalidField, Msg: "want global, service or endpoint"}
	}
	s.Key = getStr(a, AttrScopeKey)
	return nil
}

func getStr(a pcommon.Map, k string) string {
	if v, ok := a.Get(k); ok {
		return v.AsString()
	}
	return ""
}

func getInt(a pcommon.Map, k string) int64 {
	if v, ok := a.Get(k); ok && v.Type() == pcommon.ValueTypeInt {
		return v.Int()
	}
	return 0
}

func getFloat(a pcommon.Map, k string) float64 {
	if v, ok := a.Get(k); ok {
		switch v.Type() {
		case pcommon.ValueTypeDouble:
			return v.Double()
		case pcommon.ValueTypeInt:
			return float64(v.Int())
		}
	}
	return 0
}
