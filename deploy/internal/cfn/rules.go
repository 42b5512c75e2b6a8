package cfn

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// Finding is one rule violation.
type Finding struct {
	Rule     string // rule ID, e.g. "metric-math-one-result"
	Resource string // logical ID
	Message  string
}

func (f Finding) String() string { return fmt.Sprintf("%s: %s: %s", f.Rule, f.Resource, f.Message) }

// Rule IDs.
const (
	RuleOneResult       = "metric-math-one-result"
	RuleDivisionGuarded = "metric-math-guards-division"
	RuleMetricIDs       = "metric-math-known-ids"
	RuleQueueDimension  = "sqs-metric-queue-dimension"
	RuleGroupDimension  = "asg-metric-group-dimension"
	RuleGroupMetrics    = "asg-collects-in-service-instances"
	RuleBacklogTracking = "asg-tracks-backlog-per-instance"
	RuleIAMAllowList    = "iam-action-allow-list"
	RuleIAMWildcard     = "iam-no-wildcard-action"
	RuleIAMStarResource = "iam-star-resource-only-for-unscoped-actions"
	RuleManagedPolicies = "iam-managed-policy-allow-list"
	RuleIMDSv2          = "launch-template-imdsv2-required"
	RuleEBSEncrypted    = "launch-template-ebs-encrypted"
	RuleAMIFromSSM      = "launch-template-ami-from-public-ssm"
	RuleQueueSSE        = "sqs-queue-encrypted"
	RuleQueueRedrive    = "sqs-queue-has-redrive"
	RuleBucketPublic    = "s3-block-public-access"
	RuleBucketSSE       = "s3-encrypted"
	RuleBucketMultipart = "s3-abort-incomplete-multipart"
	RuleBucketTLS       = "s3-tls-only-policy"
)

// AllowedActions is the IAM allow-list: every action any role or policy of
// the stack may grant. Adding one is a reviewed change.
var AllowedActions = map[string]bool{
	"sqs:ReceiveMessage": true, "sqs:DeleteMessage": true, "sqs:ChangeMessageVisibility": true,
	"sqs:GetQueueAttributes": true, "sqs:GetQueueUrl": true, "sqs:SendMessage": true,
	"sqs:CreateQueue": true, "sqs:DeleteQueue": true, "sqs:SetQueueAttributes": true,
	"sqs:TagQueue": true, "sqs:ListQueues": true,
	"s3:GetObject": true, "s3:PutObject": true, "s3:DeleteObject": true,
	"s3:AbortMultipartUpload": true, "s3:ListMultipartUploadParts": true, "s3:ListBucket": true,
	"secretsmanager:GetSecretValue":              true,
	"autoscaling:SetInstanceProtection":          true,
	"autoscaling:CompleteLifecycleAction":        true,
	"autoscaling:RecordLifecycleActionHeartbeat": true,
	"logs:CreateLogStream":                       true, "logs:PutLogEvents": true,
}

// unscopedActions support no resource-level permission: Resource "*" is
// the only way to grant them.
var unscopedActions = map[string]bool{"sqs:ListQueues": true}

// allowedManagedPolicies: AWS managed policies roles may attach.
var allowedManagedPolicies = map[string]bool{"AmazonSSMManagedInstanceCore": true}

// Check applies every rule to t and returns the findings, sorted.
func Check(t *Template) []Finding {
	var fs []Finding
	add := func(rule, res, format string, args ...any) {
		fs = append(fs, Finding{Rule: rule, Resource: res, Message: fmt.Sprintf(format, args...)})
	}
	checkMetrics(t, add)
	checkGroups(t, add)
	checkIAM(t, add)
	checkLaunchTemplates(t, add)
	checkQueues(t, add)
	checkBuckets(t, add)
	sort.Slice(fs, func(i, j int) bool {
		if fs[i].Rule != fs[j].Rule {
			return fs[i].Rule < fs[j].Rule
		}
		return fs[i].Resource < fs[j].Resource
	})
	return fs
}

type addFunc func(rule, res, format string, args ...any)

// metricQueries returns the metric math lists of a resource: target
// tracking's CustomizedMetricSpecification.Metrics or an alarm's Metrics.
func metricQueries(r Resource) (where string, queries []any, ok bool) {
	switch r.Type {
	case "AWS::AutoScaling::ScalingPolicy":
		spec := path(r.Properties, "TargetTrackingConfiguration", "CustomizedMetricSpecification")
		if q := list(path(spec, "Metrics")); q != nil {
			return "CustomizedMetricSpecification.Metrics", q, true
		}
	case "AWS::CloudWatch::Alarm":
		if q := list(path(r.Properties, "Metrics")); q != nil {
			return "Metrics", q, true
		}
	}
	return "", nil, false
}

// metricStats returns every metric a resource reads (namespace, name, dimensions).
func metricStats(r Resource) []map[string]any {
	var out []map[string]any
	if _, qs, ok := metricQueries(r); ok {
		for _, q := range qs {
			if m, ok := path(q, "MetricStat", "Metric").(map[string]any); ok {
				out = append(out, m)
			}
		}
	}
	switch r.Type {
	case "AWS::CloudWatch::Alarm":
		if _, ok := r.Properties["MetricName"]; ok {
			out = append(out, r.Properties)
		}
	case "AWS::AutoScaling::ScalingPolicy":
		spec, _ := path(r.Properties, "TargetTrackingConfiguration", "CustomizedMetricSpecification").(map[string]any)
		if _, ok := spec["MetricName"]; ok {
			out = append(out, spec)
		}
	}
	return out
}

func hasDimension(metric map[string]any, name string) bool {
	for _, d := range list(metric["Dimensions"]) {
		if str(path(d, "Name")) == name && path(d, "Value") != nil {
			return true
		}
	}
	return false
}

var idRef = regexp.MustCompile(`\b[a-z][a-zA-Z0-9_]*\b`)
var division = regexp.MustCompile(`/\s*([a-z][a-zA-Z0-9_]*)`)
var spaces = regexp.MustCompile(`\s+`)

// mathFunctions are CloudWatch metric math names that look like IDs.
var mathFunctions = map[string]bool{"and": true, "or": true, "not": true}

func checkMetrics(t *Template, add addFunc) {
	for _, r := range t.Resources() {
		for _, m := range metricStats(r) {
			switch str(m["Namespace"]) {
			case "AWS/SQS":
				if !hasDimension(m, "QueueName") {
					add(RuleQueueDimension, r.ID, "SQS metric %s has no QueueName dimension: it would read no data", str(m["MetricName"]))
				}
			case "AWS/AutoScaling":
				if !hasDimension(m, "AutoScalingGroupName") {
					add(RuleGroupDimension, r.ID, "Auto Scaling metric %s has no AutoScalingGroupName dimension", str(m["MetricName"]))
				}
			}
		}
		where, qs, ok := metricQueries(r)
		if !ok {
			continue
		}
		ids := map[string]bool{}
		returning := 0
		for _, q := range qs {
			ids[str(path(q, "Id"))] = true
			rd, set := path(q, "ReturnData").(bool)
			if !set || rd { // CloudWatch defaults ReturnData to true
				returning++
			}
		}
		if returning != 1 {
			add(RuleOneResult, r.ID, "%s: %d queries return data, exactly one must (set ReturnData: false on the inputs)", where, returning)
		}
		for _, q := range qs {
			expr := str(path(q, "Expression"))
			if expr == "" {
				continue
			}
			for _, id := range idRef.FindAllString(expr, -1) {
				if !ids[id] && !mathFunctions[strings.ToLower(id)] {
					add(RuleMetricIDs, r.ID, "expression %q uses %q, which is no query ID", expr, id)
				}
			}
			compact := spaces.ReplaceAllString(expr, "")
			for _, m := range division.FindAllStringSubmatch(expr, -1) {
				if !strings.Contains(compact, "IF("+m[1]+">0") {
					add(RuleDivisionGuarded, r.ID, "expression %q divides by %s without IF(%s > 0, ...): no data when it is 0", expr, m[1], m[1])
				}
			}
		}
	}
}

func checkGroups(t *Template, add addFunc) {
	groups := t.ResourcesOfType("AWS::AutoScaling::AutoScalingGroup")
	for _, g := range groups {
		collects := false
		for _, mc := range list(g.Properties["MetricsCollection"]) {
			ms := list(path(mc, "Metrics"))
			if ms == nil { // no list: all group metrics
				collects = true
			}
			for _, m := range ms {
				if str(m) == "GroupInServiceInstances" {
					collects = true
				}
			}
		}
		if !collects {
			add(RuleGroupMetrics, g.ID, "MetricsCollection does not include GroupInServiceInstances, so backlog per instance has no denominator")
		}
		tracked := false
		for _, p := range t.ResourcesOfType("AWS::AutoScaling::ScalingPolicy") {
			if ref := str(path(p.Properties, "AutoScalingGroupName", "Ref")); ref != g.ID {
				continue
			}
			if str(p.Properties["PolicyType"]) != "TargetTrackingScaling" {
				continue
			}
			names := map[string]bool{}
			for _, m := range metricStats(p) {
				names[str(m["MetricName"])] = true
			}
			if names["ApproximateNumberOfMessagesVisible"] && names["GroupInServiceInstances"] {
				tracked = true
			}
		}
		if !tracked {
			add(RuleBacklogTracking, g.ID, "no target tracking policy on ApproximateNumberOfMessagesVisible / GroupInServiceInstances")
		}
	}
}

// policyDocuments returns the identity policy documents of IAM resources.
func policyDocuments(r Resource) []any {
	switch r.Type {
	case "AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group":
		var docs []any
		for _, p := range list(r.Properties["Policies"]) {
			docs = append(docs, path(p, "PolicyDocument"))
		}
		return docs
	case "AWS::IAM::ManagedPolicy", "AWS::IAM::Policy", "AWS::IAM::RolePolicy":
		return []any{r.Properties["PolicyDocument"]}
	}
	return nil
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

func checkIAM(t *Template, add addFunc) {
	for _, r := range t.Resources() {
		for _, doc := range policyDocuments(r) {
			for _, st := range asList(path(doc, "Statement")) {
				if str(path(st, "Effect")) != "Allow" {
					continue // Deny statements may be broad (TLS-only guards)
				}
				if path(st, "NotAction") != nil {
					add(RuleIAMWildcard, r.ID, "Allow with NotAction grants everything else")
				}
				starResource := false
				for _, res := range asList(path(st, "Resource")) {
					if str(res) == "*" {
						starResource = true
					}
				}
				if path(st, "NotResource") != nil {
					starResource = true
				}
				for _, a := range asList(path(st, "Action")) {
					action := str(a)
					switch {
					case strings.Contains(action, "*"):
						add(RuleIAMWildcard, r.ID, "action %q is a wildcard", action)
					case !AllowedActions[action]:
						add(RuleIAMAllowList, r.ID, "action %q is not on the allow-list", action)
					}
					if starResource && !unscopedActions[action] {
						add(RuleIAMStarResource, r.ID, "action %q granted on Resource \"*\"; scope it to the stack's resources", action)
					}
				}
			}
		}
		if r.Type == "AWS::IAM::Role" {
			for _, arn := range list(r.Properties["ManagedPolicyArns"]) {
				text := str(arn)
				if sub, ok := path(arn, "Fn::Sub").(string); ok {
					text = sub
				}
				name := text[strings.LastIndex(text, "/")+1:]
				if !allowedManagedPolicies[name] {
					add(RuleManagedPolicies, r.ID, "managed policy %q is not on the allow-list", text)
				}
			}
		}
	}
}

func checkLaunchTemplates(t *Template, add addFunc) {
	for _, lt := range t.ResourcesOfType("AWS::EC2::LaunchTemplate") {
		data := path(lt.Properties, "LaunchTemplateData")
		if str(path(data, "MetadataOptions", "HttpTokens")) != "required" {
			add(RuleIMDSv2, lt.ID, "MetadataOptions.HttpTokens must be required (IMDSv2 only)")
		}
		bdms := list(path(data, "BlockDeviceMappings"))
		if len(bdms) == 0 {
			add(RuleEBSEncrypted, lt.ID, "no BlockDeviceMappings: the root volume's encryption is left to the account default")
		}
		for _, b := range bdms {
			if enc, _ := path(b, "Ebs", "Encrypted").(bool); !enc {
				add(RuleEBSEncrypted, lt.ID, "volume %s is not encrypted", str(path(b, "DeviceName")))
			}
		}
		ref := str(path(data, "ImageId", "Ref"))
		p := t.Parameter(ref)
		if ref == "" || p == nil || str(p["Type"]) != "AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>" ||
			!strings.HasPrefix(str(p["Default"]), "/aws/service/") {
			add(RuleAMIFromSSM, lt.ID, "ImageId must !Ref a parameter of type AWS::SSM::Parameter::Value<AWS::EC2::Image::Id> defaulting to a public /aws/service/ path")
		}
	}
}

func checkQueues(t *Template, add addFunc) {
	dlqs := map[string]bool{}
	queues := t.ResourcesOfType("AWS::SQS::Queue")
	for _, q := range queues {
		if target := path(q.Properties, "RedrivePolicy", "deadLetterTargetArn", "Fn::GetAtt"); target != nil {
			if l := list(target); len(l) > 0 {
				dlqs[str(l[0])] = true
			}
		}
	}
	for _, q := range queues {
		sse, _ := q.Properties["SqsManagedSseEnabled"].(bool)
		if !sse && q.Properties["KmsMasterKeyId"] == nil {
			add(RuleQueueSSE, q.ID, "queue has neither SqsManagedSseEnabled nor KmsMasterKeyId")
		}
		if dlqs[q.ID] {
			continue
		}
		rp := path(q.Properties, "RedrivePolicy")
		if path(rp, "deadLetterTargetArn") == nil || path(rp, "maxReceiveCount") == nil {
			add(RuleQueueRedrive, q.ID, "queue has no RedrivePolicy with deadLetterTargetArn and maxReceiveCount: poison jobs would loop forever")
		}
	}
}

func checkBuckets(t *Template, add addFunc) {
	policies := t.ResourcesOfType("AWS::S3::BucketPolicy")
	for _, b := range t.ResourcesOfType("AWS::S3::Bucket") {
		pab := path(b.Properties, "PublicAccessBlockConfiguration")
		for _, k := range []string{"BlockPublicAcls", "BlockPublicPolicy", "IgnorePublicAcls", "RestrictPublicBuckets"} {
			if v, _ := path(pab, k).(bool); !v {
				add(RuleBucketPublic, b.ID, "PublicAccessBlockConfiguration.%s is not true", k)
			}
		}
		enc := list(path(b.Properties, "BucketEncryption", "ServerSideEncryptionConfiguration"))
		algo := ""
		if len(enc) > 0 {
			algo = str(path(enc[0], "ServerSideEncryptionByDefault", "SSEAlgorithm"))
		}
		if algo != "AES256" && algo != "aws:kms" && algo != "aws:kms:dsse" {
			add(RuleBucketSSE, b.ID, "no default encryption (SSE-S3 or SSE-KMS)")
		}
		abort := false
		for _, rule := range list(path(b.Properties, "LifecycleConfiguration", "Rules")) {
			if d, ok := path(rule, "AbortIncompleteMultipartUpload", "DaysAfterInitiation").(int64); ok && d <= 1 && str(path(rule, "Status")) == "Enabled" && path(rule, "Prefix") == nil {
				abort = true
			}
		}
		if !abort {
			add(RuleBucketMultipart, b.ID, "no enabled bucket-wide lifecycle rule aborting incomplete multipart uploads after 1 day")
		}
		tls := false
		for _, p := range policies {
			if str(path(p.Properties, "Bucket", "Ref")) != b.ID {
				continue
			}
			for _, st := range asList(path(p.Properties, "PolicyDocument", "Statement")) {
				if str(path(st, "Effect")) == "Deny" && path(st, "Condition", "Bool", "aws:SecureTransport") != nil {
					tls = true
				}
			}
		}
		if !tls {
			add(RuleBucketTLS, b.ID, "no bucket policy denying requests without aws:SecureTransport")
		}
	}
}
