{{%AUTOESCAPE context="HTML"}}
{{!
  A checkbox.  Kratos sends its value as a JSON boolean: true shows the
  section VALUE (checked), false does not.  A ticked box posts "true".
}}
<div class="field field-checkbox">{{BI_NEWLINE}}
	{{#ATTRIBUTES}}
		<input id="{{DOM_ID}}" name="{{NAME}}" type="checkbox"
		{{BI_SPACE}}value="true"
		{{#VALUE}} checked{{/VALUE}}
		{{#REQUIRED}} required{{/REQUIRED}}
		{{#DISABLED}} disabled{{/DISABLED}}>{{BI_NEWLINE}}
	{{/ATTRIBUTES}}
	<label for="{{DOM_ID}}">
		{{#META}}{{#LABEL}}{{TEXT}}{{/LABEL}}{{/META}}
	</label>{{BI_NEWLINE}}
	{{#MESSAGES}}
		<p class="message message-{{TYPE}}" data-msg="{{ID}}"
		{{BI_SPACE}}data-testid="ui/message/{{ID}}">{{TEXT}}</p>{{BI_NEWLINE}}
	{{/MESSAGES}}
</div>{{BI_NEWLINE}}
