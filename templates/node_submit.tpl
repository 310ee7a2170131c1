{{%AUTOESCAPE context="HTML"}}
{{!
  A submit button: a real button type="submit", so Enter in any field of
  the form submits it with the first button's name and value.
}}
<div class="field field-submit">{{BI_NEWLINE}}
	{{#ATTRIBUTES}}
		<button type="submit" id="{{DOM_ID}}" name="{{NAME}}"
		{{BI_SPACE}}value="{{VALUE}}"
		{{#DISABLED}} disabled{{/DISABLED}}>
			{{#META}}{{#LABEL}}{{TEXT}}{{/LABEL}}{{/META}}
		</button>{{BI_NEWLINE}}
	{{/ATTRIBUTES}}
	{{#MESSAGES}}
		<p class="message message-{{TYPE}}" data-msg="{{ID}}"
		{{BI_SPACE}}data-testid="ui/message/{{ID}}">{{TEXT}}</p>{{BI_NEWLINE}}
	{{/MESSAGES}}
</div>{{BI_NEWLINE}}
