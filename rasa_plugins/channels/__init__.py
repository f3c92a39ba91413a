"""The Rasa server's input channels: REST, SMS (Twilio), the web widget (socket.io) and health."""
