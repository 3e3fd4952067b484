package handlers

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/silenceper/wechat/v2/util"
)

// WeChat's message crypto (WXBizMsgCrypt) is silenceper's: its Server does
// it all for the official account, and the WeCom bot signs with
// util.Signature (validSignature) and encrypts with util.AESEncryptMsg.
// Only decryption is here, because util.AESDecryptMsg (and so DecryptMsg
// and the work package's callbacks) refuses what the intelligent bot
// sends: a message whose receive id is empty ("msg length too large").

// validSignature reports whether sig is WeChat's signature of parts
// (util.Signature: the hex SHA-1 of the parts sorted and joined), compared
// in constant time. An empty signature is never valid.
func validSignature(sig string, parts ...string) bool {
	return sig != "" && subtle.ConstantTimeCompare([]byte(sig), []byte(util.Signature(parts...))) == 1
}

// openMsg decodes and decrypts a WeCom Encrypt, base64 of AES-256-CBC with
// IV key[:16] and PKCS#7 padding to 32 bytes over random(16) ‖ length(4,
// big-endian) ‖ msg ‖ receive id, and returns msg and the receive id,
// which may be empty.
func openMsg(enc string, key []byte) (msg, receiveID []byte, err error) {
	ct, err := base64.StdEncoding.DecodeString(enc)
	if err != nil {
		return nil, nil, err
	}
	if len(ct) == 0 || len(ct)%aes.BlockSize != 0 {
		return nil, nil, fmt.Errorf("ciphertext length %d is not a positive multiple of the block size", len(ct))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, nil, err
	}
	plain := make([]byte, len(ct))
	cipher.NewCBCDecrypter(block, key[:aes.BlockSize]).CryptBlocks(plain, ct)
	pad := int(plain[len(plain)-1])
	if pad < 1 || pad > 32 || pad > len(plain) {
		return nil, nil, fmt.Errorf("bad padding %d", pad)
	}
	plain = plain[:len(plain)-pad]
	if len(plain) < 20 {
		return nil, nil, errors.New("plaintext too short")
	}
	n := binary.BigEndian.Uint32(plain[16:20])
	if uint64(n) > uint64(len(plain)-20) {
		return nil, nil, fmt.Errorf("message length %d beyond the plaintext", n)
	}
	return plain[20 : 20+n], plain[20+n:], nil
}

// sealMsg encrypts msg with the receive id and a new random prefix, as
// openMsg reads it, and returns the Encrypt text.
func sealMsg(msg []byte, receiveID string, key []byte) string {
	return base64.StdEncoding.EncodeToString(util.AESEncryptMsg([]byte(randomString(16)), msg, receiveID, key))
}
