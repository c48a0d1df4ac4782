using FluentValidation;
using Mediator;

namespace Analytics.Reports.Pipeline;

/// <summary>
/// Second behaviour: the request's validators (the shared <see cref="Filters.ReportInputValidator"/> included by each
/// report's own). Any failure answers 400 problem+json listing every parameter at fault and why.
/// </summary>
public sealed class ReportValidation<TMessage, TResponse>(IEnumerable<IValidator<TMessage>> validators) : IPipelineBehavior<TMessage, TResponse>
    where TMessage : IReportRequest, IMessage
{
    public async ValueTask<TResponse> Handle(TMessage message, MessageHandlerDelegate<TMessage, TResponse> next, CancellationToken ct)
    {
        var failures = new List<FluentValidation.Results.ValidationFailure>();
        foreach (var validator in validators) failures.AddRange((await validator.ValidateAsync(message, ct)).Errors);
        if (failures.Count > 0) throw new ReportRefusal(Invalid(failures), "invalid parameters");
        return await next(message, ct);
    }

    static IResult Invalid(List<FluentValidation.Results.ValidationFailure> failures) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest, title: "Invalid report parameters",
        detail: $"{failures[0].PropertyName}: {failures[0].ErrorMessage}",
        extensions: new Dictionary<string, object?>
        {
            ["errors"] = failures.Select(f => new Dictionary<string, string> { ["field"] = f.PropertyName, ["message"] = f.ErrorMessage }).ToList(),
        });
}
