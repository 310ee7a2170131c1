{{%AUTOESCAPE context="HTML"}}
{{!
  A text-like input (text, email, password, number, tel, url, date...).

  The label text is taken only inside META/LABEL, so a node without a
  label cannot pick up some other TEXT.  The C side never puts a password
  value in the view, so value="" is all a password field ever gets.
}}
<div class="field">{{BI_NEWLINE}}
	<label for="{{DOM_ID}}">
		{{#META}}{{#LABEL}}{{TEXT}}{{/LABEL}}{{/META}}
	</label>{{BI_NEWLINE}}
	{{#ATTRIBUTES}}
		<input id="{{DOM_ID}}" name="{{NAME}}" type="{{TYPE}}"
		{{BI_SPACE}}value="{{VALUE}}"
		{{#REQUIRED}} required{{/REQUIRED}}
		{{#DISABLED}} disabled{{/DISABLED}}
		{{#AUTOCOMPLETE}} autocomplete="{{AUTOCOMPLETE}}"{{/AUTOCOMPLETE}}
		{{#PATTERN}} pattern="{{PATTERN}}"{{/PATTERN}}
		{{#MAXLENGTH}} maxlength="{{MAXLENGTH}}"{{/MAXLENGTH}}
		>{{BI_NEWLINE}}
	{{/ATTRIBUTES}}
	{{#MESSAGES}}
		<p class="message message-{{TYPE}}" data-msg="{{ID}}"
		{{BI_SPACE}}data-testid="ui/message/{{ID}}">{{TEXT}}</p>{{BI_NEWLINE}}
	{{/MESSAGES}}
</div>{{BI_NEWLINE}}
