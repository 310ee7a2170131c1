{{%AUTOESCAPE context="HTML"}}
{{!
  Page body of an error.  ctemplate has no "else": "Start again" shows
  when the view has a retry_url, the home link always.
}}
<h1>Something went wrong</h1>{{BI_NEWLINE}}
{{#ERROR}}
	<div class="error-details"
	{{#ID}} data-error="{{ID}}" data-testid="ui/error/{{ID}}"{{/ID}}>
	{{BI_NEWLINE}}
		<p class="error-status"><strong>{{CODE}} {{STATUS}}</strong></p>
		{{BI_NEWLINE}}
		{{#MESSAGE}}
			<p class="message message-error">{{MESSAGE}}</p>{{BI_NEWLINE}}
		{{/MESSAGE}}
		{{#REASON}}
			<p class="error-reason">{{REASON}}</p>{{BI_NEWLINE}}
		{{/REASON}}
	</div>{{BI_NEWLINE}}
{{/ERROR}}
{{#ERROR_ID}}
	<p class="error-id">Error reference:
	{{BI_SPACE}}<code data-error-id="{{ERROR_ID}}">{{ERROR_ID}}</code>
	{{BI_SPACE}}(<a href="{{ERROR_URL}}">permanent link</a>)</p>
	{{BI_NEWLINE}}
{{/ERROR_ID}}
<p class="alt-links">
	{{#RETRY_URL}}
		<a href="{{RETRY_URL}}">Start again</a>
		<span class="sep"> | </span>
	{{/RETRY_URL}}
	<a href="{{HOME_URL}}">Go to the home page</a>
</p>{{BI_NEWLINE}}
