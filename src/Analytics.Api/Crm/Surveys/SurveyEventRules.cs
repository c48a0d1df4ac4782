using FluentValidation;
using Analytics.Ingestion;

namespace Analytics.Crm.Surveys;

/// <summary>The rules of <c>survey_answer</c> and <c>rating</c> events, included in <see cref="RawEventValidator"/>.</summary>
public sealed class SurveyEventRules : AbstractValidator<RawEvent>
{
    public const int MaxNameLength = 200;
    public const int MaxTextLength = 2000;

    public SurveyEventRules()
    {
        RuleLevelCascadeMode = CascadeMode.Stop;
        When(e => e.Type == SurveyFields.AnswerType, () =>
        {
            RuleFor(e => e.Survey!.Survey).NotEmpty().When(e => e.Survey is not null).OverridePropertyName("survey").WithMessage("is required for survey answers");
            RuleFor(e => e.Survey).NotNull().OverridePropertyName("survey").WithMessage("is required for survey answers");
            When(e => e.Survey is not null, () =>
            {
                RuleFor(e => e.Survey!.Survey).NotEmpty().OverridePropertyName("survey").WithMessage("is required for survey answers")
                    .MaximumLength(MaxNameLength);
                RuleFor(e => e.Survey!.Question).NotEmpty().OverridePropertyName("question").WithMessage("is required for survey answers")
                    .MaximumLength(MaxNameLength);
                RuleFor(e => e.Survey!.Score).NotNull().When(e => e.Survey!.Choice is null).OverridePropertyName("score")
                    .WithMessage("is required for survey answers (a whole number 0–10), unless the answer is a choice");
                RuleFor(e => e.Survey!.Score).Null().When(e => e.Survey!.Choice is not null).OverridePropertyName("score")
                    .WithMessage("must not be sent with choice: an answer is either a score or a choice");
                RuleFor(e => e.Survey!.Score!.Value).Must(s => IsWhole(s, 0, 10)).When(e => e.Survey!.Score is not null)
                    .OverridePropertyName("score").WithMessage("must be a whole number from 0 to 10");
                RuleFor(e => e.Survey!.Choice).NotEmpty().When(e => e.Survey!.Choice is not null).OverridePropertyName("choice")
                    .MaximumLength(MaxNameLength);
                RuleFor(e => e.Survey!.Text).MaximumLength(MaxTextLength).OverridePropertyName("text");
            });
        });
        When(e => e.Type == SurveyFields.RatingType, () =>
        {
            RuleFor(e => e.Survey).NotNull().OverridePropertyName("subject").WithMessage("is required for ratings (a product sku, or order)");
            When(e => e.Survey is not null, () =>
            {
                RuleFor(e => e.Survey!.Subject).NotEmpty().OverridePropertyName("subject").WithMessage("is required for ratings (a product sku, or order)")
                    .MaximumLength(MaxNameLength);
                RuleFor(e => e.Survey!.Stars).NotNull().OverridePropertyName("stars").WithMessage("is required for ratings (a whole number 1–5)");
                RuleFor(e => e.Survey!.Stars!.Value).Must(s => IsWhole(s, 1, 5)).When(e => e.Survey!.Stars is not null)
                    .OverridePropertyName("stars").WithMessage("must be a whole number from 1 to 5");
            });
        });
    }

    static bool IsWhole(double value, int min, int max) => value >= min && value <= max && Math.Floor(value) == value;
}
